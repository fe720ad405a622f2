import type { Normalizer } from './model.js';

/**
 * Normalises a submitted answer and an expected value the same way before
 * they are compared: Unicode NFKC (full-width digits and letters typed with a
 * Japanese IME become ASCII), trimmed, then by kind.
 */
export function normalizeAnswer(normalizer: Normalizer, raw: string): string {
  const value = raw.normalize('NFKC').trim();
  switch (normalizer) {
    case 'exact':
      return value;
    case 'text':
      return value.replace(/\s+/g, ' ').toLowerCase();
    case 'hostname':
      return value.toLowerCase().replace(/\.$/, '');
    case 'hex':
      return value.toLowerCase().replace(/^0x/, '').replace(/[\s:-]/g, '');
    case 'number': {
      const n = Number(value.replace(/[,\s]/g, ''));
      return Number.isFinite(n) ? String(n) : value;
    }
    case 'path': {
      const unquoted = value.replace(/^(['"])(.*)\1$/, '$2');
      const collapsed = unquoted.replace(/\/{2,}/g, '/');
      return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
    }
    case 'ip': {
      // "010.0.0.5", "10.0.0.5/32", "10.0.0.5:80" and the "[::ffff:10.0.0.5]:35790" that
      // busybox httpd logs all name 10.0.0.5.
      const bare = value
        .replace(/^\[(.*)\](:\d+)?$/, '$1')
        .replace(/^::ffff:/i, '')
        .replace(/\/32$/, '')
        .replace(/^([\d.]+):\d+$/, '$1');
      const octets = bare.split('.');
      if (octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) {
        return octets.map((o) => String(Number(o))).join('.');
      }
      return bare.toLowerCase();
    }
  }
}

/** Whether a submitted answer matches the expected value (or one of its alternatives). */
export function answerMatches(normalizer: Normalizer, submitted: string, expected: string[]): boolean {
  const got = normalizeAnswer(normalizer, submitted);
  return got !== '' && expected.some((e) => normalizeAnswer(normalizer, e) === got);
}
