import { ConflictError } from '@app/errors';

/** The session has finished and been archived: no score event is written any more. */
export class ScoresFrozenError extends ConflictError {}
