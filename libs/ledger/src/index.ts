export * from './team-metrics.js';
export { ScoreLedger, type LedgerRange, type NewScoreEvent, type ObjectiveMet, type ScoringMoment } from './score-ledger.js';
export { LedgerModule } from './ledger.module.js';
export { ScoresFrozenError } from './errors.js';
