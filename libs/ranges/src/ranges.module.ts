import { Module } from '@nestjs/common';
import { RangeEventLog } from './range-event-log.js';
import { RangeLifecycle } from './range-lifecycle.js';
import { RangeLocks } from './range-lock.js';
import { RangeProvisioner } from './range-provisioner.js';
import { RangeReconciler } from './range-reconciler.js';
import { RangeService } from './range.service.js';
import { SubnetAllocator } from './subnet-allocator.js';
import { TemplateCatalogue } from './template-catalogue.js';

const PROVIDERS = [RangeEventLog, RangeLifecycle, RangeLocks, RangeProvisioner, RangeReconciler, RangeService, SubnetAllocator, TemplateCatalogue];

/**
 * Range provisioning. Needs DatabaseModule, QueueModule, DockerModule (global)
 * and a RANGE_TEMPLATE_SOURCE provider visible to it (libs/templates).
 * RangeJobs is registered by the worker only.
 */
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class RangesModule {}
