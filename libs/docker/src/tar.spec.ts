import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tarArchive } from './tar.js';

describe('tarArchive', () => {
  it('writes an archive that GNU tar extracts with contents and modes intact', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tar-spec-'));
    try {
      const long = `var/www/${'deep/'.repeat(25)}index.html`;
      const archive = tarArchive([
        { path: '/etc/motd', content: 'hello\n' },
        { path: 'usr/local/bin/run', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
        { path: long, content: Buffer.from([0, 1, 2, 255]) },
      ]);
      expect(archive.length % 512).toBe(0);
      writeFileSync(path.join(dir, 'a.tar'), archive);
      execFileSync('tar', ['-xf', 'a.tar'], { cwd: dir });
      expect(readFileSync(path.join(dir, 'etc/motd'), 'utf8')).toBe('hello\n');
      expect(statSync(path.join(dir, 'usr/local/bin/run')).mode & 0o777).toBe(0o755);
      expect([...readFileSync(path.join(dir, long))]).toEqual([0, 1, 2, 255]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
