import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';

/** GET /audit-events (AuditReader comes from the global DatabaseModule). */
@Module({ controllers: [AuditController] })
export class AuditApiModule {}
