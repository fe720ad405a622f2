import { loadConfig } from '@app/config';
import { maxScore } from './max-score.js';
import { TemplateCatalog } from './template-catalog.js';
import { templateOverview } from './template-overview.js';

describe('maxScore', () => {
  it('adds every objective and every time bonus', () => {
    expect(maxScore([{ points: 100, timeBonus: { points: 50, withinSeconds: 900 } }, { points: 150 }, { points: 300 }])).toBe(600);
    expect(maxScore([])).toBe(0);
  });

  it("is in every shipped template's overview (course B added up by hand: 13 objectives, one time bonus)", () => {
    const catalog = new TemplateCatalog(loadConfig({}));
    catalog.reload();
    const overviews = catalog.list().map((e) => templateOverview(e.template, e.hash));
    for (const o of overviews) expect({ id: o.id, max: o.maxScore > 0 }).toEqual({ id: o.id, max: true });
    // 5 answers (500 + a 50 bonus), 2 contain (300), 2 eradicate (200), 2 recover (150), the report (300).
    expect(overviews.find((o) => o.id === 'course-b')!.maxScore).toBe(1500);
  });
});
