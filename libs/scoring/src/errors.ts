import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, RateLimitedError } from '@app/errors';

/** The range, objective or report named does not exist, or the session has no ranges to score. */
export class ScoringNotFoundError extends NotFoundError {}

/** A trainee's answer, hint or report the objective refuses: already met, out of attempts or hints, not that kind. */
export class ObjectiveRefusedError extends ConflictError {}

/** An instructor's grade the report refuses: already graded, or more points than the rubric gives. */
export class GradeRefusedError extends ConflictError {}

/** The grader may not grade this report: nobody grades a report of their own team, and trainees grade none. */
export class GradeForbiddenError extends ForbiddenError {}

/** A report that breaks a rule of its own (e.g. more IOCs than REPORT_MAX_IOCS); `fields` names each failing field. */
export class InvalidReportError extends InvalidInputError {}

/** "Check now" asked again before the range's interval has passed. */
export class CheckNowRateLimitedError extends RateLimitedError {
  constructor(intervalMs: number, retryAfterSeconds: number) {
    super(`check now is limited to one per ${intervalMs} ms; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
  }
}
