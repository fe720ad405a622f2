import { labelKeys } from '@app/docker';
import { bridgeName, containerName, networkLabels, networkName, nodeLabels, rangeSelector } from './naming.js';

const keys = labelKeys('org.cyder-range');
const range = {
  id: '0b8f6a52-5f5e-4c39-9d55-8f1f0c4a9e11',
  sessionId: '11111111-2222-4333-8444-555555555555',
  teamId: '66666666-7777-4888-9999-000000000000',
  templateHash: 'abc123',
};

describe('range object names and labels', () => {
  it('labels a node with app, instance, session, team, range, node and template hash', () => {
    const labels = nodeLabels(keys, 'prod', range, 'web');
    expect(labels).toMatchObject({
      'org.cyder-range.app': 'cyder-range',
      'org.cyder-range.instance': 'prod',
      'org.cyder-range.session': range.sessionId,
      'org.cyder-range.team': range.teamId,
      'org.cyder-range.range': range.id,
      'org.cyder-range.node': 'web',
      'org.cyder-range.template-hash': 'abc123',
      'org.cyder-range.kind': 'range-node',
    });
    expect(Date.parse(labels['org.cyder-range.created-at']!)).not.toBeNaN();
  });

  it('labels a network with its segment name, and selects a range by app, instance and range', () => {
    expect(networkLabels(keys, 'prod', range, 'dmz')).toMatchObject({ 'org.cyder-range.network': 'dmz', 'org.cyder-range.kind': 'range-network' });
    expect(rangeSelector(keys, 'prod', range.id)).toEqual({
      'org.cyder-range.app': 'cyder-range',
      'org.cyder-range.instance': 'prod',
      'org.cyder-range.range': range.id,
    });
  });

  it('names objects after instance, range and node or network', () => {
    expect(containerName('prod', range.id, 'web')).toBe(`cyder-prod-${range.id}-web`);
    expect(networkName('prod', range.id, 'dmz')).toBe(`cyder-prod-${range.id}-dmz`);
  });

  it('gives bridges our prefix within 15 characters, distinct per instance, range and network', () => {
    const names = [
      bridgeName('prod', range.id, 'dmz'),
      bridgeName('prod', range.id, 'office'),
      bridgeName('e2e-1', range.id, 'dmz'),
      bridgeName('prod', range.sessionId, 'dmz'),
    ];
    for (const name of names) expect(name).toMatch(/^cyr[0-9a-f]{12}$/);
    expect(new Set(names).size).toBe(4);
    expect(bridgeName('prod', range.id, 'dmz')).toBe(names[0]);
  });
});
