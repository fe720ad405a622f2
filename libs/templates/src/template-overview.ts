import { maxScore } from './max-score.js';
import { PHASES, type Course, type Level, type LocalizedText, type Phase, type RangeTemplate } from './model.js';

/** What operators see of a template in a list: no answers, no source. */
export interface TemplateOverview {
  id: string;
  version: string;
  /** sha256 of the template source. */
  hash: string;
  title: LocalizedText;
  description: LocalizedText;
  courses: Course[];
  level?: Level;
  durationMinutes: number;
  networks: string[];
  nodes: string[];
  attackSteps: number;
  objectivesByPhase: Record<Phase, number>;
  /** The most a team can score: every objective's points and time bonus (maxScore). */
  maxScore: number;
}

export function templateOverview(template: RangeTemplate, hash: string): TemplateOverview {
  return {
    id: template.id,
    version: template.version,
    hash,
    title: template.title,
    description: template.description,
    courses: template.courses,
    ...(template.level ? { level: template.level } : {}),
    durationMinutes: template.durationMinutes,
    networks: template.networks.map((n) => n.name),
    nodes: template.nodes.map((n) => n.name),
    attackSteps: template.attack.steps.length,
    objectivesByPhase: Object.fromEntries(PHASES.map((p) => [p, template.objectives.filter((o) => o.phase === p).length])) as Record<Phase, number>,
    maxScore: maxScore(template.objectives),
  };
}
