import { BadRequestException, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import type { FieldError } from '@app/errors';
import express from 'express';
import type { IncomingMessage } from 'node:http';

/** JSON bodies nest `[ ]`/`{ }` at most this deep; deeper is refused before it is parsed into objects. */
export const MAX_JSON_DEPTH = 32;

/** The default JSON body limit (Express's); the template validate route has its own, larger one. */
export const JSON_BODY_LIMIT_BYTES = 100 * 1024;

/**
 * How deep the raw JSON text nests, scanned byte by byte (strings and their escapes skipped), stopping
 * as soon as `max` is passed. Linear, and recursion-free: a 15,000-deep body costs no stack.
 */
export function jsonDepthExceeds(raw: Buffer, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: the next byte is escaped
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > max) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}

class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
  readonly expose = true;
  constructor(max: number) {
    super(`the JSON body nests deeper than ${max} levels`);
  }
}

/**
 * Express's JSON parser with the depth check in its verify hook (on the raw bytes, before JSON.parse).
 * Its error carries status 400, which Nest's adapter turns into a BadRequestException for the filter.
 */
export function depthCheckedJsonParser(limit: number): express.RequestHandler {
  return express.json({
    limit,
    verify: (_req: IncomingMessage, _res, raw: Buffer) => {
      if (jsonDepthExceeds(raw)) throw new JsonTooDeepError(MAX_JSON_DEPTH);
    },
  });
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units, no `u` flag).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// C0 controls but TAB, LF, CR; DEL; C1 controls.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Every control, TAB, LF and CR included: query strings and path segments are single-line.
const CONTROL_IN_LINE = /[\u0000-\u001f\u007f-\u009f]/;

/** Why a string may not enter the system, or null. `multiline` allows TAB, LF and CR. */
export function unsafeTextReason(text: string, multiline: boolean): string | null {
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired surrogate (not valid Unicode text)';
  if ((multiline ? CONTROL_IN_TEXT : CONTROL_IN_LINE).test(text)) {
    return multiline ? 'contains a control character (only tab and line breaks are allowed)' : 'contains a control character';
  }
  return null;
}

function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** Every unsafe string (and object key) in a parsed value, with its field path. */
export function findUnsafeText(value: unknown, multiline: boolean, path = '', out: FieldError[] = []): FieldError[] {
  if (out.length >= 100) return out;
  if (typeof value === 'string') {
    const reason = unsafeTextReason(value, multiline);
    if (reason) out.push({ field: path || 'value', messages: [`${path || 'value'} ${reason}`] });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => findUnsafeText(item, multiline, fieldPath(path, i), out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyReason = unsafeTextReason(key, false);
      const at = fieldPath(path, keyReason ? '(key)' : key);
      if (keyReason) out.push({ field: at, messages: [`a field name ${keyReason}`] });
      else findUnsafeText(item, multiline, at, out);
    }
  }
  return out;
}

/**
 * Runs before validation on every body, query and path parameter: a NUL byte, another control
 * character or an unpaired surrogate is refused with 400 naming each field (PostgreSQL refuses NUL,
 * and `encodeURIComponent` throws on a lone surrogate). Body text may hold TAB and line breaks
 * (notes, reports, YAML); query strings and path parameters may not.
 */
export class SafeTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const prefix = metadata.type === 'body' ? '' : metadata.data ?? '';
    const errors = findUnsafeText(value, metadata.type === 'body', prefix);
    if (errors.length) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'Validation failed', errors });
    }
    return value;
  }
}
