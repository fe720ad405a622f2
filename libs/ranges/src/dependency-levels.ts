/**
 * Groups nodes into dependency levels: level 0 depends on nothing, level k
 * only on nodes of lower levels. Nodes of one level are started in parallel.
 * Throws on an unknown dependency or a cycle (the template validator should
 * have caught both; a blueprint is still checked before anything is created).
 */
export function dependencyLevels(nodes: ReadonlyArray<{ name: string; dependsOn: readonly string[] }>): string[][] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (!byName.has(dep)) throw new Error(`node "${node.name}" depends on unknown node "${dep}"`);
    }
  }
  const level = new Map<string, number>();
  const levels: string[][] = [];
  let remaining = nodes.map((n) => n.name);
  while (remaining.length > 0) {
    const current = remaining.filter((name) => byName.get(name)!.dependsOn.every((dep) => level.has(dep)));
    if (current.length === 0) throw new Error(`dependency cycle between nodes: ${remaining.join(', ')}`);
    for (const name of current) level.set(name, levels.length);
    levels.push(current);
    remaining = remaining.filter((name) => !level.has(name));
  }
  return levels;
}
