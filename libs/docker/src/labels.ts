/**
 * Label keys of every Docker object we create. Destroy, cleanup and the
 * reconciler find objects only by these labels, never by name.
 */
export interface LabelKeys {
  app: string;
  instance: string;
  kind: string;
  session: string;
  team: string;
  range: string;
  node: string;
  network: string;
  templateHash: string;
  image: string;
  createdAt: string;
}

export const APP_LABEL_VALUE = 'cyder-range';

export function labelKeys(namespace: string): LabelKeys {
  const k = (name: string) => `${namespace}.${name}`;
  return {
    app: k('app'),
    instance: k('instance'),
    kind: k('kind'),
    session: k('session'),
    team: k('team'),
    range: k('range'),
    node: k('node'),
    network: k('network'),
    templateHash: k('template-hash'),
    image: k('image'),
    createdAt: k('created-at'),
  };
}

/** Docker's label filter syntax: ["key=value", "key"]. */
export function labelFilter(labels: Record<string, string | undefined>): string[] {
  return Object.entries(labels).map(([k, v]) => (v === undefined ? k : `${k}=${v}`));
}
