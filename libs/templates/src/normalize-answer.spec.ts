import { answerMatches, normalizeAnswer } from './normalize-answer.js';

describe('normalizeAnswer', () => {
  it('compares text case- and space-insensitively, and full-width input as ASCII', () => {
    expect(normalizeAnswer('text', '  Kupd   Helper ')).toBe('kupd helper');
    expect(answerMatches('text', 'ＫＵＰＤ', ['kupd'])).toBe(true);
  });

  it('accepts the usual forms of an IPv4 address', () => {
    for (const form of ['10.0.0.5', ' 010.000.0.5 ', '10.0.0.5/32', '[10.0.0.5]', '10.0.0.5:8080', '１０.０.０.５', '[::ffff:10.0.0.5]:35790', '::ffff:10.0.0.5']) {
      expect(normalizeAnswer('ip', form)).toBe('10.0.0.5');
    }
    expect(answerMatches('ip', '10.0.0.6', ['10.0.0.5'])).toBe(false);
    expect(normalizeAnswer('ip', 'FE80::1')).toBe('fe80::1');
  });

  it('normalises paths, hostnames, hex and numbers', () => {
    expect(normalizeAnswer('path', '"/tmp//.cache/kupd/"')).toBe('/tmp/.cache/kupd');
    expect(normalizeAnswer('path', '/')).toBe('/');
    expect(normalizeAnswer('hostname', 'CDN-Update.Example.NET.')).toBe('cdn-update.example.net');
    expect(normalizeAnswer('hex', '0xDE:AD-be ef')).toBe('deadbeef');
    expect(normalizeAnswer('number', ' 31,337 ')).toBe('31337');
    expect(normalizeAnswer('exact', ' AbC ')).toBe('AbC');
  });

  it('never matches an empty answer, and accepts alternatives', () => {
    expect(answerMatches('text', '   ', [''])).toBe(false);
    expect(answerMatches('path', 'customers.csv', ['/run/data/customers.csv', 'customers.csv'])).toBe(true);
  });
});
