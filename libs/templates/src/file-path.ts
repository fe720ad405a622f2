import path from 'node:path';

/** Paths writable on a read-only root (the provisioner mounts tmpfs there). */
const WRITABLE_ON_READ_ONLY_ROOT = ['/tmp/', '/run/'];

// NUL, C0 controls and DEL: never part of a file name a template means.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why a file a template places is refused, or undefined. The path is checked
 * after POSIX normalisation ("/tmp/./x" is "/tmp/x"), and `..` segments are
 * refused outright, so "/tmp/../etc/x" cannot pass as being under /tmp.
 */
export function checkFilePath(filePath: string, readOnlyRoot: boolean): string | undefined {
  if (CONTROL.test(filePath)) return 'path must not hold NUL or control characters';
  if (!filePath.startsWith('/')) return 'path must be an absolute path';
  if (filePath.split('/').includes('..')) return `"${filePath}" holds a ".." segment: give the path without it`;
  const normal = path.posix.normalize(filePath);
  if (normal.endsWith('/')) return `"${filePath}" names a directory: give a file path`;
  if (readOnlyRoot && !WRITABLE_ON_READ_ONLY_ROOT.some((p) => normal.startsWith(p))) {
    return `"${filePath}" is on the read-only root: place files under /tmp or /run, or set readOnlyRoot: false`;
  }
  return undefined;
}
