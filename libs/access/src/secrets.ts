import { createHash, randomBytes, randomInt } from 'node:crypto';

/** sha256 hex of a secret: what is stored for tokens and access codes (the secret itself never is). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A bearer token: a kind prefix and 32 random bytes (256 bits), base64url. */
export function newToken(prefix: 'cys' | 'cyt' | 'cyc'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** A one-time password for bootstrap, creation and reset (18 characters, about 107 bits). */
export function oneTimePassword(): string {
  return randomBytes(18).toString('base64url').slice(0, 18);
}

/**
 * Letters and digits that cannot be mistaken for one another when printed or read aloud (no 0/O,
 * 1/I/L, 2/Z, 5/S, 8/B, U/V, and no vowel-like look-alikes): 23 symbols, so 12 of them carry about 54 bits.
 */
export const ACCESS_CODE_ALPHABET = '34679ACDEFGHJKMNPQRTWXY';

/** A trainee access code, e.g. `K7QD-3NWX-PHAT`: 12 symbols drawn uniformly (crypto randomInt), in groups of 4. */
export function newAccessCode(): string {
  const symbols = Array.from({ length: 12 }, () => ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)]!);
  return [0, 4, 8].map((i) => symbols.slice(i, i + 4).join('')).join('-');
}

/** An access code as typed (lower case, spaces, missing or extra dashes, full-width) in its canonical form, or null. */
export function normalizeAccessCode(input: string): string | null {
  const compact = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== 12 || [...compact].some((c) => !ACCESS_CODE_ALPHABET.includes(c))) return null;
  return `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8)}`;
}
