import { copiedFrom } from './copy-detector.js';

const teams = [
  { teamId: 'team-2', rangeId: 'range-2', values: ['10.210.0.69'] },
  { teamId: 'team-3', rangeId: 'range-3', values: ['10.210.1.5'] },
];

describe('copy detection', () => {
  it("flags a value that is another team's answer and not the submitter's own", () => {
    expect(copiedFrom('ip', ' 10.210.0.69 ', ['10.210.2.7'], teams)).toEqual([teams[0]]);
  });

  it("flags nothing for the submitter's own value, even when another team shares it (a fixed text every team has)", () => {
    const shared = [{ teamId: 'team-2', rangeId: 'range-2', values: ['/cgi-bin/ping'] }];
    expect(copiedFrom('path', '/cgi-bin/ping', ['/cgi-bin/ping'], shared)).toEqual([]);
    expect(copiedFrom('ip', '10.210.0.69', ['10.210.0.69'], teams)).toEqual([]);
  });

  it("flags nothing for a guess that is nobody's answer, and skips teams without the objective", () => {
    expect(copiedFrom('ip', '203.0.113.9', ['10.210.2.7'], teams)).toEqual([]);
    expect(copiedFrom('ip', '10.210.0.69', ['10.210.2.7'], [{ teamId: 'team-4', rangeId: 'range-4', values: [] }])).toEqual([]);
  });
});
