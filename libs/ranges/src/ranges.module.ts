import { Module } from '@nestjs/common';
import { SchedulingModule } from '@app/scheduling';
import { TemplatesModule } from '@app/templates';
import { RangeEventLog } from './range-event-log.js';
import { RangeHealth } from './range-health.js';
import { RangeHosts } from './range-hosts.js';
import { RangeLifecycle } from './range-lifecycle.js';
import { RangeLocks } from './range-lock.js';
import { RangeProvisioner } from './range-provisioner.js';
import { RangeReconciler } from './range-reconciler.js';
import { RangeService } from './range.service.js';
import { SubnetAllocator } from './subnet-allocator.js';

const PROVIDERS = [RangeEventLog, RangeHealth, RangeHosts, RangeLifecycle, RangeLocks, RangeProvisioner, RangeReconciler, RangeService, SubnetAllocator];

/**
 * Range provisioning. Needs DatabaseModule, QueueModule, DockerModule (global); reads a
 * scheduled session's teams through libs/scheduling;
 * renders through the RangeTemplateSource that TemplatesModule provides under
 * RANGE_TEMPLATE_SOURCE (tests may override it with a fixture). RangeJobs,
 * RangeImageJobs and RangeHostHeartbeat are registered by the worker only.
 */
@Module({ imports: [TemplatesModule, SchedulingModule], providers: PROVIDERS, exports: PROVIDERS })
export class RangesModule {}
