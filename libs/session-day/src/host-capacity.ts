import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { SessionDayEntity } from '@app/database';
import { RANGE_TEMPLATE_SOURCE, type RangeFootprint, type RangeTemplateSource } from '@app/templates';
import { DataSource, type EntityManager } from 'typeorm';
import { parseCourseTemplates } from './course-templates.js';

export interface CapacityFigures {
  containers: number;
  memoryMb: number;
}

const ZERO: RangeFootprint = { containers: 0, memoryMb: 0 };

/** Session statuses whose ranges exist or will: they take the host's capacity in their time window. */
const HOLDING = ['closed', 'provisioning', 'ready', 'running'];

/**
 * The range host's capacity (HOST_CAPACITY_CONTAINERS, HOST_CAPACITY_MEMORY_MB)
 * against what ranges take: now (every live range) and over a session's time
 * window (every session whose ranges overlap it, from the lead time before its
 * start to the teardown grace after its end).
 */
@Injectable()
export class HostCapacity {
  private readonly courseTemplates: Map<string, string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    @Inject(RANGE_TEMPLATE_SOURCE) private readonly templates: RangeTemplateSource,
  ) {
    this.courseTemplates = parseCourseTemplates(config.COURSE_TEMPLATES);
  }

  get limit(): CapacityFigures {
    return { containers: this.config.HOST_CAPACITY_CONTAINERS, memoryMb: this.config.HOST_CAPACITY_MEMORY_MB };
  }

  /** The configured template of a course (COURSE_TEMPLATES), or null. */
  courseTemplate(courseCode: string): string | null {
    return this.courseTemplates.get(courseCode) ?? null;
  }

  /** The template a session's ranges come from: its own override, else its course's. */
  async templateOf(sessionId: string, courseCode: string, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const day = await manager.findOne(SessionDayEntity, { where: { sessionId } });
    return day?.templateId ?? this.courseTemplate(courseCode);
  }

  /** Throws TemplateNotFoundError (404) for an unknown template. */
  async requireTemplate(templateId: string): Promise<void> {
    await this.templates.describe(templateId);
  }

  /** What one range of the template takes; nothing known for a template that is gone or does not say. */
  async footprint(templateId: string | null): Promise<RangeFootprint> {
    if (!templateId) return ZERO;
    try {
      return (await this.templates.describe(templateId)).footprint ?? ZERO;
    } catch {
      return ZERO;
    }
  }

  /** What every live range (not destroyed) of this instance takes now. */
  async inUse(manager: EntityManager = this.dataSource.manager): Promise<CapacityFigures> {
    const rows: Array<{ template_id: string; n: number }> = await manager.query(
      `SELECT template_id, count(*)::int AS n FROM ranges WHERE status <> 'destroyed' GROUP BY template_id`,
    );
    const total = { containers: 0, memoryMb: 0 };
    for (const row of rows) {
      const f = await this.footprint(row.template_id);
      total.containers += f.containers * row.n;
      total.memoryMb += f.memoryMb * row.n;
    }
    return total;
  }

  fits(used: CapacityFigures, more: CapacityFigures): boolean {
    return used.containers + more.containers <= this.limit.containers && used.memoryMb + more.memoryMb <= this.limit.memoryMb;
  }

  describe(figures: CapacityFigures): string {
    return `${figures.containers} containers and ${figures.memoryMb} MB`;
  }

  /**
   * The warning for a session being closed: every session whose ranges overlap
   * its window (this one included) against the host's capacity; null when they fit.
   */
  async overlapWarning(sessionId: string, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const lead = this.config.SESSION_LEAD_SECONDS;
    const grace = this.config.SESSION_TEARDOWN_GRACE_SECONDS;
    const rows: Array<{ id: string; course_code: string; teams: number }> = await manager.query(
      `SELECT o.id, o.course_code, (SELECT count(*)::int FROM teams t WHERE t.session_id = o.id) AS teams
         FROM sessions me
         JOIN sessions o ON (o.id = me.id OR o.status = ANY($2::text[]))
          AND tstzrange(o.starts_at - make_interval(secs => $3), o.ends_at + make_interval(secs => $4))
           && tstzrange(me.starts_at - make_interval(secs => $3), me.ends_at + make_interval(secs => $4))
        WHERE me.id = $1`,
      [sessionId, HOLDING, lead, grace],
    );
    const need = { containers: 0, memoryMb: 0 };
    for (const row of rows) {
      const f = await this.footprint(await this.templateOf(row.id, row.course_code, manager));
      need.containers += f.containers * row.teams;
      need.memoryMb += f.memoryMb * row.teams;
    }
    if (this.fits({ containers: 0, memoryMb: 0 }, need)) return null;
    return (
      `the ${rows.length} session(s) whose ranges overlap this one need ${this.describe(need)}; the range host holds ` +
      `${this.describe(this.limit)} (HOST_CAPACITY_CONTAINERS, HOST_CAPACITY_MEMORY_MB): ranges will wait in order for capacity`
    );
  }
}
