import { BadRequestException } from '@nestjs/common';
import { findUnsafeText, jsonDepthExceeds, SafeTextPipe, unsafeTextReason } from './hostile-input.js';

const nested = (depth: number) => Buffer.from('['.repeat(depth) + ']'.repeat(depth));

describe('jsonDepthExceeds', () => {
  it('accepts 32 levels and refuses 33', () => {
    expect(jsonDepthExceeds(nested(32))).toBe(false);
    expect(jsonDepthExceeds(nested(33))).toBe(true);
    expect(jsonDepthExceeds(Buffer.from(`{"a":${'{"b":'.repeat(40)}1${'}'.repeat(40)}}`))).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ yaml: '['.repeat(1000) + '"\\"{{{{' });
    expect(jsonDepthExceeds(Buffer.from(text))).toBe(false);
  });

  it('scans 15,000 levels without recursion', () => {
    expect(jsonDepthExceeds(nested(15000))).toBe(true);
  });
});

describe('unsafe text', () => {
  it('refuses NUL, other controls and DEL/C1 everywhere, TAB and line breaks only on one-line input', () => {
    expect(unsafeTextReason('a\u0000b', true)).toMatch(/control character/);
    expect(unsafeTextReason('a\u001bb', true)).toMatch(/control character/);
    expect(unsafeTextReason('a\u0085b', true)).toMatch(/control character/);
    expect(unsafeTextReason('line\r\n\tnext', true)).toBeNull();
    expect(unsafeTextReason('line\nnext', false)).toMatch(/control character/);
    expect(unsafeTextReason('東京 👍', false)).toBeNull();
  });

  it('refuses unpaired surrogates, high or low, and accepts pairs', () => {
    expect(unsafeTextReason('x\ud800@example.org', false)).toMatch(/unpaired surrogate/);
    expect(unsafeTextReason('\udc00x', false)).toMatch(/unpaired surrogate/);
    expect(unsafeTextReason('\ud83d\udc4d', false)).toBeNull();
  });

  it('names every failing field with its path, keys included', () => {
    const errors = findUnsafeText({ name: 'a\u0000', notes: ['ok', 'b\u0007'], nested: { ['k\u0000']: 1 } }, true);
    expect(errors.map((e) => e.field)).toEqual(['name', 'notes[1]', 'nested.(key)']);
  });
});

describe('SafeTextPipe', () => {
  const pipe = new SafeTextPipe();

  it('answers 400 with the field for a query value or path parameter, and passes clean input through', () => {
    expect(() => pipe.transform('A\u0000', { type: 'param', data: 'code' })).toThrow(BadRequestException);
    let refusal: unknown;
    try {
      pipe.transform({ name: 'x\u0000' }, { type: 'query' });
    } catch (error) {
      refusal = error;
    }
    expect((refusal as BadRequestException).getResponse()).toMatchObject({ statusCode: 400, errors: [{ field: 'name' }] });
    expect(pipe.transform({ notes: 'two\nlines' }, { type: 'body' })).toEqual({ notes: 'two\nlines' });
  });
});
