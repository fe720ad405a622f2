import { existsSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from './repository-root.js';
import { ConfigValidationError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('gives working defaults for this machine when nothing is set', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://cyder:cyder@127.0.0.1:5432/cyder');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.DOCKER_SOCKET).toBe('/var/run/docker.sock');
    expect(config.API_PORT).toBe(3000);
    expect(config.DB_MIGRATE_ON_START).toBe(true);
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfig({ API_PORT: '4100', DB_MIGRATE_ON_START: 'false', WORKER_CONCURRENCY: '2' });
    expect(config.API_PORT).toBe(4100);
    expect(config.DB_MIGRATE_ON_START).toBe(false);
    expect(config.WORKER_CONCURRENCY).toBe(2);
  });

  it('names every broken variable, one line each', () => {
    let caught: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', REDIS_URL: 'http://nope', API_PORT: 'abc' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const lines = (caught as ConfigValidationError).lines;
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes('DATABASE_URL="mysql://x"'))).toContain('postgres://');
    expect(lines.find((l) => l.includes('REDIS_URL'))).toContain('redis://');
    expect(lines.find((l) => l.includes('API_PORT'))).toBeDefined();
  });

  it('holds the per-host range quota to a whole number from 1 to 10000', () => {
    expect(loadConfig({}).RANGE_MAX_LIVE_PER_HOST).toBe(100);
    expect(loadConfig({ RANGE_MAX_LIVE_PER_HOST: '12' }).RANGE_MAX_LIVE_PER_HOST).toBe(12);
    for (const bad of ['0', '-3', '2.5', 'many', '10001']) {
      expect(() => loadConfig({ RANGE_MAX_LIVE_PER_HOST: bad })).toThrow(/RANGE_MAX_LIVE_PER_HOST/);
    }
  });
});

describe('default folders', () => {
  it('are this repository\'s docker/images and range-templates, resolved once by loadConfig', () => {
    const config = loadConfig({});
    expect(config.RANGE_IMAGES_DIR).toBe(path.join(repositoryRoot(), 'docker', 'images'));
    expect(config.RANGE_TEMPLATES_DIR).toBe(path.join(repositoryRoot(), 'range-templates'));
    expect(existsSync(path.join(config.RANGE_IMAGES_DIR, 'base', 'Dockerfile'))).toBe(true);
  });

  it('keep what the operator set', () => {
    const config = loadConfig({ RANGE_IMAGES_DIR: '/srv/images', RANGE_TEMPLATES_DIR: '/srv/templates' });
    expect([config.RANGE_IMAGES_DIR, config.RANGE_TEMPLATES_DIR]).toEqual(['/srv/images', '/srv/templates']);
  });
});
