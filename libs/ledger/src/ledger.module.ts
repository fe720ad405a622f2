import { Module } from '@nestjs/common';
import { ScoreLedger } from './score-ledger.js';

/**
 * The score ledger, shared by scenario (blocked steps) and scoring (objectives,
 * answers, hints, reports). Needs DatabaseModule and QueueModule (global).
 */
@Module({ providers: [ScoreLedger], exports: [ScoreLedger] })
export class LedgerModule {}
