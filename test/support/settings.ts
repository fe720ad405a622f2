/**
 * Puts a suite's own settings into the environment (read by loadConfig when its apps or worker
 * processes start); the function returned puts the previous values back.
 */
export function useSettings(settings: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, settings);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
