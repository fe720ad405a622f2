import { ACCESS_CODE_ALPHABET, newAccessCode, newToken, normalizeAccessCode, secretHash } from './secrets.js';

describe('access codes', () => {
  it('are three groups of four symbols of the unambiguous alphabet', () => {
    for (let i = 0; i < 200; i++) {
      const code = newAccessCode();
      expect(code).toMatch(/^[^-]{4}-[^-]{4}-[^-]{4}$/);
      for (const c of code.replace(/-/g, '')) expect(ACCESS_CODE_ALPHABET).toContain(c);
    }
  });

  it('leave out every symbol that reads like another (0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V)', () => {
    for (const c of '0O1IL2Z5S8BUV') expect(ACCESS_CODE_ALPHABET).not.toContain(c);
  });

  it('use every symbol, evenly enough (no modulo bias worth seeing)', () => {
    const counts = new Map<string, number>();
    const n = 3000;
    for (let i = 0; i < n; i++) for (const c of newAccessCode().replace(/-/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    const expected = (n * 12) / ACCESS_CODE_ALPHABET.length;
    expect(counts.size).toBe(ACCESS_CODE_ALPHABET.length);
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });

  it('do not repeat', () => {
    const codes = new Set(Array.from({ length: 5000 }, newAccessCode));
    expect(codes.size).toBe(5000);
  });

  it('are accepted as typed: lower case, spaces, no dashes, full-width', () => {
    const code = newAccessCode();
    const compact = code.replace(/-/g, '');
    expect(normalizeAccessCode(code)).toBe(code);
    expect(normalizeAccessCode(compact.toLowerCase())).toBe(code);
    expect(normalizeAccessCode(` ${compact.slice(0, 6)} ${compact.slice(6)} `)).toBe(code);
    const fullWidth = [...code].map((c) => (c === '-' ? 'ー' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join('').replace(/ー/g, '-');
    expect(normalizeAccessCode(fullWidth)).toBe(code);
  });

  it('refuse anything else (wrong length, ambiguous symbols)', () => {
    expect(normalizeAccessCode('')).toBeNull();
    expect(normalizeAccessCode('AAAA-AAAA-AAA')).toBeNull();
    expect(normalizeAccessCode('AAAA-AAAA-AAA0')).toBeNull();
    expect(normalizeAccessCode('AAAA-AAAA-AAAA-A')).toBeNull();
  });
});

describe('tokens', () => {
  it('carry 32 random bytes behind their kind, and only their sha256 is kept', () => {
    const token = newToken('cys');
    expect(token).toMatch(/^cys_[A-Za-z0-9_-]{43}$/);
    expect(newToken('cys')).not.toBe(token);
    expect(secretHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash(token)).not.toContain(token.slice(4, 12));
  });
});
