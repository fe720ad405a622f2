/**
 * "a" or "an" before a word in a message ("an open session", "an A session", "a B-1 session",
 * "an other organisation"). Lower-case words go by their first letter; codes written in capitals
 * are read letter by letter (A, F, H, L, M, N, R, S, X and the vowels sound with a vowel).
 */
export function withArticle(word: string): string {
  const isCode = /^[A-Z0-9][A-Z0-9-]*$/.test(word);
  const an = isCode ? /^[AEFHILMNORSX]/.test(word) || /^(8|11|18)(\D|$)/.test(word) : /^[aeiou]/i.test(word) && !/^(uni|use|eu|one)/i.test(word);
  return `${an ? 'an' : 'a'} ${word}`;
}
