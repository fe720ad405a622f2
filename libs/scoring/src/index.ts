export { CheckNowRateLimitedError, GradeForbiddenError, GradeRefusedError, InvalidReportError, ObjectiveRefusedError, ScoringNotFoundError } from './errors.js';
export { BoardService, type CourseAggregate, type ReportView, type SessionBoard, type TeamBoardRow, type TeamStanding, type TimelineEntry } from './board.service.js';
export { EvaluationService, type CheckNowResult, type EvaluationSummary } from './evaluation.service.js';
export { ScoringJobs } from './scoring.jobs.js';
export { ObjectiveService, type AnswerResult, type ObjectiveState, type ReportInput, type ReportResult } from './objective.service.js';
export { judgeExec, judgeHttp, httpProbeArgv, type ProbeVerdict } from './probe.js';
export { ScoringModule } from './scoring.module.js';
export { gradeRefusal, holdProgress, iocPoints, matchIocs, REPORT_IOC_SHARE, type IocMatch, type ScoringCaller, type ScoringCallerRole } from './scoring-rules.js';
export { CopyDetector, copiedFrom, type CopyCandidate, type CopyFlagView, type TeamValues } from './copy-detector.js';
