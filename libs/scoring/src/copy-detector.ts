import { Injectable } from '@nestjs/common';
import { CopyFlagEntity, RangeEntity } from '@app/database';
import { LiveEvents } from '@app/queue';
import { answerMatches, type Normalizer, type Objective, type RangeBlueprint } from '@app/templates';
import { DataSource, Not, type EntityManager } from 'typeorm';

/** What a team submitted that the copy detector compares with the other teams' own values. */
export interface CopyCandidate {
  source: CopyFlagEntity['source'];
  value: string;
}

/** Another team's accepted values for the objective (its answer and alternatives, or its IOCs). */
export interface TeamValues {
  teamId: string;
  rangeId: string;
  values: string[];
}

/**
 * The teams whose own value the submission equals, when it is not one of the
 * submitter's own: answers differ per team (rendered variables), so that is
 * evidence of copying. A value every team shares (a fixed text) is the
 * submitter's own too, and flags nothing.
 */
export function copiedFrom(normalize: Normalizer, value: string, own: readonly string[], others: readonly TeamValues[]): TeamValues[] {
  if (own.length && answerMatches(normalize, value, [...own])) return [];
  return others.filter((team) => team.values.length > 0 && answerMatches(normalize, value, team.values));
}

/** The values a range accepts for an objective, by where they were submitted. */
function valuesOf(objective: Objective | undefined, source: CopyCandidate['source']): Array<{ normalize: Normalizer; values: string[] }> {
  if (!objective) return [];
  if (source === 'answer' && objective.answer) {
    const a = objective.answer;
    return [{ normalize: a.normalize, values: [a.expected ?? '', ...a.alternatives].filter((v) => v !== '') }];
  }
  if (source === 'ioc' && objective.report) return objective.report.iocs.map((ioc) => ({ normalize: ioc.normalize, values: [ioc.expected] }));
  return [];
}

export interface CopyFlagView {
  id: string;
  sessionId: string;
  objectiveId: string;
  source: CopyFlagEntity['source'];
  submitter: { teamId: string; rangeId: string };
  owner: { teamId: string; rangeId: string };
  submitted: string;
  actor: string;
  at: Date;
  scenarioMs: number | null;
}

export function copyFlagView(f: CopyFlagEntity): CopyFlagView {
  return {
    id: f.id,
    sessionId: f.sessionId,
    objectiveId: f.objectiveId,
    source: f.source,
    submitter: { teamId: f.submitterTeamId, rangeId: f.submitterRangeId },
    owner: { teamId: f.ownerTeamId, rangeId: f.ownerRangeId },
    submitted: f.submitted,
    actor: f.actor,
    at: f.at,
    scenarioMs: f.scenarioMs,
  };
}

/**
 * Copy detection: flags a submitted value that is another team's answer (or
 * IOC) in the same session and not the submitter's own, for both teams'
 * timelines and the session's instructors. It writes no score event: the
 * instructor decides.
 */
@Injectable()
export class CopyDetector {
  constructor(
    private readonly dataSource: DataSource,
    private readonly live: LiveEvents,
  ) {}

  /** Records a flag per (candidate, other team) inside the caller's transaction; returns them for announce(). */
  async detect(
    manager: EntityManager,
    range: Pick<RangeEntity, 'id' | 'sessionId' | 'teamId'>,
    objective: Objective,
    candidates: readonly CopyCandidate[],
    at: { scenarioMs: number | null; actor: string },
  ): Promise<CopyFlagEntity[]> {
    if (candidates.length === 0) return [];
    const others = await manager.find(RangeEntity, {
      where: { sessionId: range.sessionId, teamId: Not(range.teamId) },
      select: { id: true, teamId: true, blueprint: true },
    });
    if (others.length === 0) return [];
    const objectiveOf = (r: Pick<RangeEntity, 'blueprint'>) =>
      (r.blueprint as unknown as RangeBlueprint | null)?.scenario?.objectives.find((o) => o.id === objective.id);
    const rows: Array<Partial<CopyFlagEntity>> = [];
    const now = new Date();
    for (const candidate of candidates) {
      // Each accepted value under its own normalisation (an IOC list mixes addresses, ports, paths).
      const mine = valuesOf(objective, candidate.source);
      const matches = new Map<string, TeamValues>();
      mine.forEach(({ normalize, values }, k) => {
        const teams = others.map((r) => ({ teamId: r.teamId, rangeId: r.id, values: valuesOf(objectiveOf(r), candidate.source)[k]?.values ?? [] }));
        for (const team of copiedFrom(normalize, candidate.value, values, teams)) matches.set(team.rangeId, team);
      });
      // A value that is one of the submitter's own (under any of its normalisations) is never evidence.
      if (mine.some(({ normalize, values }) => answerMatches(normalize, candidate.value, values))) continue;
      for (const team of matches.values()) {
        rows.push({
          sessionId: range.sessionId,
          objectiveId: objective.id,
          source: candidate.source,
          submitterTeamId: range.teamId,
          submitterRangeId: range.id,
          ownerTeamId: team.teamId,
          ownerRangeId: team.rangeId,
          submitted: candidate.value.slice(0, 200),
          actor: at.actor,
          at: now,
          scenarioMs: at.scenarioMs,
        });
      }
    }
    if (rows.length === 0) return [];
    return manager.save(rows.map((r) => manager.create(CopyFlagEntity, r)));
  }

  /** Tells the session's instructors (live stream), with both teams; call it after the transaction committed. */
  async announce(flags: readonly CopyFlagEntity[]): Promise<void> {
    for (const f of flags) {
      const view = copyFlagView(f);
      // No top-level team or range: the event is for the session's instructors, never a team's own stream.
      await this.live.publish({
        sessionId: f.sessionId,
        type: 'copy-suspected',
        at: f.at.toISOString(),
        data: { flagId: view.id, objectiveId: view.objectiveId, source: view.source, submitter: view.submitter, owner: view.owner },
      });
    }
  }

  async listForSession(sessionId: string): Promise<CopyFlagView[]> {
    const flags = await this.dataSource.manager.find(CopyFlagEntity, { where: { sessionId }, order: { at: 'ASC' } });
    return flags.map(copyFlagView);
  }
}
