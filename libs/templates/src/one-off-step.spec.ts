import { stringify } from 'yaml';
import { checkOneOffStep } from './one-off-step.js';
import { validTemplate } from './template-fixture.spec-helper.js';

const options = { builtinImages: ['web', 'attacker', 'logserver', 'workstation'], subnetPrefix: 24 };
const source = stringify(validTemplate());
const step = (patch: Record<string, unknown> = {}) => ({
  id: 'extra-exploit',
  node: 'attacker',
  argv: ['exploit', 'http://www/cgi-bin/ping', 'host', 'echo ${flag}'],
  title: { ja: '追加', en: 'Extra' },
  ...patch,
});

describe('checkOneOffStep: one attack step checked as the template checks its own', () => {
  it('accepts a step of the template’s kinds and gives it the template defaults', () => {
    const checked = checkOneOffStep(source, step({ precondition: { argv: ['probe-injection', 'http://www/cgi-bin/ping', 'host'] } }), options);
    expect(checked.issues).toEqual([]);
    expect(checked.step).toMatchObject({
      id: 'extra-exploit',
      offsetSeconds: 0,
      node: 'attacker',
      precondition: { node: 'attacker', expectExitCode: 0 },
      timeoutSeconds: expect.any(Number),
    });
  });

  it('refuses with the validator’s messages, each with its path in the step', () => {
    const checked = checkOneOffStep(source, step({ id: 'exploit', node: 'nowhere', argv: [], title: { ja: 'x' }, stage: 'lunch', extra: 1 }), options);
    expect(checked.step).toBeUndefined();
    const paths = checked.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['id', 'node', 'argv', 'title.en', 'stage', 'extra']));
    expect(checked.issues.find((i) => i.path === 'id')?.message).toBe('duplicate attack step "exploit"');
    expect(checked.issues.find((i) => i.path === 'node')?.message).toBe('unknown node "nowhere"');
    expect(checked.issues.find((i) => i.path === 'extra')?.message).toBe('unknown field "extra"');
  });

  it('refuses an unknown ${variable}, an offset, and a node or command the template’s steps never use', () => {
    expect(checkOneOffStep(source, step({ argv: ['exploit', '${nope}'] }), options).issues).toEqual([{ path: 'argv[1]', message: 'unknown variable "${nope}"' }]);
    expect(checkOneOffStep(source, step({ offsetSeconds: 5 }), options).issues).toEqual([
      { path: 'offsetSeconds', message: 'a one-off step runs when injected: it has no offsetSeconds' },
    ]);
    const web = checkOneOffStep(source, step({ node: 'web', argv: ['rm', '-rf', '/run'] }), options).issues;
    expect(web.map((i) => i.path)).toEqual(['node', 'argv[0]']);
    expect(web[0]!.message).toBe(`a one-off step runs where the template's steps run (attacker), not on "web"`);
    expect(checkOneOffStep(source, 'exploit', options).issues).toEqual([{ path: '', message: 'a step must be an object (id, node, argv, title, ...)' }]);
  });
});
