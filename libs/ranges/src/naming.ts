import { createHash } from 'node:crypto';
import { APP_LABEL_VALUE, type LabelKeys } from '@app/docker';

/** What a range's Docker objects are labelled and named after. */
export interface RangeIdentity {
  id: string;
  sessionId: string;
  teamId: string;
  templateHash: string;
}

export const RANGE_NETWORK_KIND = 'range-network';
export const RANGE_NODE_KIND = 'range-node';

/** Labels every object of one range carries; cleanup and the reconciler find objects only by them. */
export function rangeLabels(keys: LabelKeys, instance: string, range: RangeIdentity): Record<string, string> {
  return {
    [keys.app]: APP_LABEL_VALUE,
    [keys.instance]: instance,
    [keys.session]: range.sessionId,
    [keys.team]: range.teamId,
    [keys.range]: range.id,
    [keys.templateHash]: range.templateHash,
  };
}

/** The label selector of one range's objects. */
export function rangeSelector(keys: LabelKeys, instance: string, rangeId: string): Record<string, string> {
  return { [keys.app]: APP_LABEL_VALUE, [keys.instance]: instance, [keys.range]: rangeId };
}

export function networkLabels(keys: LabelKeys, instance: string, range: RangeIdentity, network: string): Record<string, string> {
  return {
    ...rangeLabels(keys, instance, range),
    [keys.kind]: RANGE_NETWORK_KIND,
    [keys.network]: network,
    [keys.createdAt]: new Date().toISOString(),
  };
}

export function nodeLabels(keys: LabelKeys, instance: string, range: RangeIdentity, node: string): Record<string, string> {
  return {
    ...rangeLabels(keys, instance, range),
    [keys.kind]: RANGE_NODE_KIND,
    [keys.node]: node,
    [keys.createdAt]: new Date().toISOString(),
  };
}

/** Docker object names: readable, unique per instance and range. */
export function networkName(instance: string, rangeId: string, network: string): string {
  return `cyder-${instance}-${rangeId}-${network}`;
}

export function containerName(instance: string, rangeId: string, node: string): string {
  return `cyder-${instance}-${rangeId}-${node}`;
}

/**
 * Host bridge interface name: our "cyr" prefix and a hash of instance, range
 * and network, 15 characters (Linux's limit), so it is unique on the host and
 * recognisable in `ip link`.
 */
export function bridgeName(instance: string, rangeId: string, network: string): string {
  const digest = createHash('sha256').update(`${instance}\0${rangeId}\0${network}`).digest('hex');
  return `cyr${digest.slice(0, 12)}`;
}
