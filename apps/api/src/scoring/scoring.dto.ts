import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type { AnswerResult, CheckNowResult, CopyFlagView, ObjectiveState, ReportResult, ReportView, SessionBoard, TeamStanding, TimelineEntry } from '@app/scoring';
import { TEMPLATE_NAME } from '@app/templates';
import { ClockDto } from '../scenario/scenario.dto.js';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class AnswerDto {
  @ApiProperty({ maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  value!: string;
}

export class TimelineItemDto {
  @ApiProperty({ description: 'When (free text or ISO time, as the team noted it)' })
  @IsString()
  @MaxLength(100)
  at!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  event!: string;
}

export class SelfAnalysisDto {
  @ApiProperty({ description: 'The item the team could not handle' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  item!: string;

  @ApiProperty({ enum: ['plan', 'do'], description: 'A plan (contingency plan) problem or a doing problem' })
  @IsIn(['plan', 'do'])
  cause!: 'plan' | 'do';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class IncidentReportDto {
  @ApiProperty({ type: [TimelineItemDto] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => TimelineItemDto)
  timeline!: TimelineItemDto[];

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  impact!: string;

  @ApiProperty({ type: [String], description: 'Indicators of compromise: addresses, paths, names, hashes' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  iocs!: string[];

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  actions!: string[];

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  recommendations!: string[];

  @ApiProperty({ type: [SelfAnalysisDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SelfAnalysisDto)
  selfAnalysis!: SelfAnalysisDto[];
}

export class GradeReportDto {
  @ApiProperty({ minimum: 0, maximum: 100000, description: 'Rubric points (at most the report objective points not given for IOCs)' })
  @IsInt()
  @Min(0)
  @Max(100000)
  points!: number;

  @ApiPropertyOptional({ description: 'Rubric scores by section (timeline, impact, actions, recommendations, ...)' })
  @IsOptional()
  @IsObject()
  rubric?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  comment?: string;
}

export class NoteDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  text!: string;
}

export class LocalizedTextDto {
  @ApiProperty() ja!: string;
  @ApiProperty() en!: string;
}

export class HintDto {
  @ApiProperty() index!: number;
  @ApiProperty({ type: LocalizedTextDto }) text!: LocalizedTextDto;
  @ApiProperty() cost!: number;
}

/** The latest probe of a check objective. */
export class ObjectiveCheckDto {
  @ApiProperty({ example: true, description: 'Whether the objective held at the last probe' }) holds!: boolean;
  @ApiInstantField({ nullable: true, example: '2030-11-19T02:05:00.000Z', description: 'Since when it holds without a break; null when it does not' })
  holdingSince!: Date | null;
  holdingSinceJst!: string | null;
  @ApiInstantField({ description: 'When the probe last ran' }) checkedAt!: Date;
  checkedAtJst!: string;
  @ApiProperty({ example: 60, description: 'How long (scenario seconds) it must hold to be met' }) holdSeconds!: number;
}

export class ObjectiveStateDto {
  @ApiProperty({ pattern: TEMPLATE_NAME.source }) id!: string;
  @ApiProperty({ enum: ['detect', 'analyze', 'contain', 'eradicate', 'recover', 'report'] }) phase!: string;
  @ApiProperty({ enum: ['answer', 'check', 'report'] }) kind!: string;
  @ApiProperty({ type: LocalizedTextDto }) title!: LocalizedTextDto;
  @ApiPropertyOptional({ type: LocalizedTextDto }) description?: LocalizedTextDto;
  @ApiProperty() points!: number;
  @ApiProperty() met!: boolean;
  @ApiProperty({ nullable: true, type: Number }) metAtScenarioMs!: number | null;
  @ApiProperty() pointsEarned!: number;
  @ApiProperty() attemptsUsed!: number;
  @ApiProperty({ nullable: true, type: Number }) attemptsLeft!: number | null;
  @ApiProperty({ type: [HintDto] }) hintsTaken!: HintDto[];
  @ApiProperty() hintsLeft!: number;
  @ApiProperty({ nullable: true, type: Number }) nextHintCost!: number | null;
  @ApiPropertyOptional({ type: ObjectiveCheckDto, description: 'Check objectives: the latest probe' }) check?: ObjectiveCheckDto;
  @ApiPropertyOptional() reportSubmitted?: boolean;

  static from(state: ObjectiveState): ObjectiveStateDto {
    return Object.assign(new ObjectiveStateDto(), state, state.check ? { check: withJst(ObjectiveCheckDto, state.check) } : {});
  }
}

export class AnswerResultDto {
  @ApiProperty() correct!: boolean;
  @ApiProperty({ description: 'Points this submission added (negative for a wrong answer)' }) pointsAwarded!: number;
  @ApiProperty() attemptsLeft!: number;

  static from(r: AnswerResult): AnswerResultDto {
    return Object.assign(new AnswerResultDto(), r);
  }
}

export class ReportResultDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty({ description: 'IOC id -> matched (each IOC by at most one entry)' }) iocResults!: Record<string, boolean>;
  @ApiProperty({ description: 'Entries that matched no IOC; each costs what a right one earns' }) wrongIocs!: number;
  @ApiProperty({ description: 'IOC points less the cost of the wrong entries (may be negative)' }) autoPoints!: number;

  static from(r: ReportResult): ReportResultDto {
    return Object.assign(new ReportResultDto(), r);
  }
}

export class GradeResultDto {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty() rubricPoints!: number;
  @ApiProperty() maxRubricPoints!: number;
}

export class CheckNowDto {
  @ApiProperty({ enum: ['evaluated', 'queued'] }) status!: string;
  @ApiProperty() jobId!: string;
  @ApiProperty({ type: [ObjectiveStateDto] }) objectives!: ObjectiveStateDto[];

  static from(r: CheckNowResult): CheckNowDto {
    return Object.assign(new CheckNowDto(), { ...r, objectives: r.objectives.map(ObjectiveStateDto.from) });
  }
}

export class TimelineEntryDto {
  @ApiInstantField() at!: string;
  atJst!: string;
  @ApiProperty({ nullable: true, type: Number }) scenarioMs!: number | null;
  @ApiProperty({ enum: ['attack-step', 'score', 'note', 'report', 'command', 'copy-flag'], description: 'command: a line entered in a terminal (ref: the node); copy-flag: copy suspected (ref: the flag)' }) kind!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ nullable: true, type: String }) ref!: string | null;
  @ApiProperty({ nullable: true, type: String }) phase!: string | null;
  @ApiProperty() points!: number;
  @ApiProperty() summary!: string;

  static from(e: TimelineEntry): TimelineEntryDto {
    return withJst(TimelineEntryDto, { ...e, at: e.at.toISOString() });
  }
}

export class PhaseProgressDto {
  @ApiProperty() phase!: string;
  @ApiProperty() met!: number;
  @ApiProperty() total!: number;
  @ApiProperty() points!: number;
}

export class LastEventDto {
  @ApiInstantField() at!: Date;
  atJst!: string;
  @ApiProperty({ enum: ['score', 'attack-step'], example: 'score' }) kind!: string;
  @ApiProperty({ example: 'answer attacker-address (100)' }) summary!: string;
}

export class TeamBoardDto {
  @ApiProperty({ format: 'uuid' }) rangeId!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty({ nullable: true, type: String }) teamName!: string | null;
  @ApiProperty({ description: 'Range health: ready, degraded, failed, ...' }) rangeStatus!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why the range is degraded or failed (e.g. "unhealthy nodes: web (exit 1)")' })
  rangeProblem!: string | null;
  @ApiProperty() score!: number;
  @ApiProperty({ example: 1500, description: "The most the team can score on its range's objectives: points and time bonuses (credits for blocked attack steps not counted)" })
  maxScore!: number;
  @ApiProperty({ type: [PhaseProgressDto] }) progress!: PhaseProgressDto[];
  @ApiProperty({ description: 'timeToDetectSeconds, timeToContainSeconds, timeToRecoverSeconds, pointsByPhase, ...' })
  metrics!: Record<string, unknown>;
  @ApiProperty({ type: LastEventDto, nullable: true, description: "The team's latest score or attack step" }) lastEvent!: LastEventDto | null;
}

export class SessionBoardDto {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ type: ClockDto, nullable: true, description: "The session's scenario clock; null until it was first started" }) clock!: ClockDto | null;
  @ApiProperty({ type: [TeamBoardDto] }) teams!: TeamBoardDto[];

  static from(board: SessionBoard): SessionBoardDto {
    return Object.assign(new SessionBoardDto(), {
      sessionId: board.sessionId,
      clock: board.clock ? ClockDto.from(board.clock) : null,
      teams: board.teams.map((t) => Object.assign(new TeamBoardDto(), t, { lastEvent: t.lastEvent ? withJst(LastEventDto, t.lastEvent) : null })),
    });
  }
}

export class CopyFlagTeamDto {
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty({ format: 'uuid' }) rangeId!: string;
}

/** Evidence of copying for the instructor: a team submitted another team's answer (not its own). */
export class CopyFlagDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ pattern: TEMPLATE_NAME.source }) objectiveId!: string;
  @ApiProperty({ enum: ['answer', 'ioc'] }) source!: string;
  @ApiProperty({ type: CopyFlagTeamDto, description: 'The team that submitted the value' }) submitter!: CopyFlagTeamDto;
  @ApiProperty({ type: CopyFlagTeamDto, description: 'The team whose answer the value is' }) owner!: CopyFlagTeamDto;
  @ApiProperty() submitted!: string;
  @ApiProperty() actor!: string;
  @ApiInstantField() at!: string;
  atJst!: string;
  @ApiProperty({ nullable: true, type: Number }) scenarioMs!: number | null;

  static from(f: CopyFlagView): CopyFlagDto {
    return withJst(CopyFlagDto, { ...f, at: f.at.toISOString() });
  }
}

export class StandingClockDto {
  @ApiProperty({ enum: ['idle', 'running', 'paused', 'stopped'], example: 'running' }) state!: string;
  @ApiProperty({ example: 1 }) speed!: number;
  @ApiProperty({ example: 754000, description: 'Scenario time reached, in milliseconds' }) scenarioMs!: number;
}

/** The team's own score and the clock of its range (the trainee console's header). */
export class TeamStandingDto {
  @ApiProperty({ format: 'uuid' }) rangeId!: string;
  @ApiProperty({ example: 140 }) score!: number;
  @ApiProperty({ description: 'Points by phase (detect, analyze, contain, eradicate, recover, report)', example: { detect: 100, analyze: 40, contain: 0, eradicate: 0, recover: 0, report: 0 } })
  pointsByPhase!: Record<string, number>;
  @ApiProperty({ type: StandingClockDto, nullable: true, description: 'null until the scenario clock was first started' }) clock!: StandingClockDto | null;

  static from(s: TeamStanding): TeamStandingDto {
    return Object.assign(new TeamStandingDto(), s);
  }
}

/** A submitted incident report for its graders. */
export class ReportDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) rangeId!: string;
  @ApiProperty({ pattern: TEMPLATE_NAME.source, example: 'incident-report' }) objectiveId!: string;
  @ApiProperty({ example: 'trainee:6f1c0c44-8a4f-4d0e-9a0b-3f7f1a2b9c11' }) submittedBy!: string;
  @ApiInstantField() submittedAt!: string;
  submittedAtJst!: string;
  @ApiProperty({
    description: 'The report as submitted: timeline, impact, iocs, actions, recommendations, selfAnalysis',
    example: {
      timeline: [{ at: '10:42', event: 'web server ran id from the ping page' }],
      impact: 'The web server ran commands for an outside address',
      iocs: ['10.210.0.5'],
      actions: ['stopped the implant'],
      recommendations: ['validate the ping form input'],
      selfAnalysis: [{ item: 'log review', cause: 'plan' }],
    },
  })
  content!: Record<string, unknown>;
  @ApiProperty({ description: 'IOC id -> matched' }) iocResults!: Record<string, boolean>;
  @ApiProperty() autoPoints!: number;
  @ApiProperty({ nullable: true, type: Number }) rubricPoints!: number | null;
  @ApiProperty({ nullable: true, type: Object }) rubric!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String, example: 'instructor:3b0f6a52-0d0c-4f0e-8d4e-6a1f9b2c7d10' }) gradedBy!: string | null;
  @ApiInstantField({ nullable: true, example: '2030-11-19T07:30:00.000Z' }) gradedAt!: string | null;
  gradedAtJst!: string | null;

  static from(r: ReportView): ReportDto {
    return withJst(ReportDto, { ...r, submittedAt: r.submittedAt.toISOString(), gradedAt: r.gradedAt?.toISOString() ?? null });
  }
}
