import { dependencyLevels } from './dependency-levels.js';

describe('dependencyLevels', () => {
  it('puts independent nodes in level 0 and each node one level after its deepest dependency', () => {
    const levels = dependencyLevels([
      { name: 'logserver', dependsOn: [] },
      { name: 'web', dependsOn: ['logserver'] },
      { name: 'workstation', dependsOn: [] },
      { name: 'c2', dependsOn: ['logserver'] },
      { name: 'attacker', dependsOn: ['web', 'c2'] },
    ]);
    expect(levels).toEqual([['logserver', 'workstation'], ['web', 'c2'], ['attacker']]);
  });

  it('refuses an unknown dependency', () => {
    expect(() => dependencyLevels([{ name: 'a', dependsOn: ['ghost'] }])).toThrow('node "a" depends on unknown node "ghost"');
  });

  it('refuses a cycle and names the nodes in it', () => {
    expect(() =>
      dependencyLevels([
        { name: 'a', dependsOn: [] },
        { name: 'b', dependsOn: ['c'] },
        { name: 'c', dependsOn: ['b'] },
      ]),
    ).toThrow('dependency cycle between nodes: b, c');
  });

  it('gives no levels for no nodes', () => {
    expect(dependencyLevels([])).toEqual([]);
  });
});
