import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { jstWallTime } from '@app/time';
import { EXAMPLES_BY_FIELD } from '../openapi/example-values.js';

/** The instant fields of a response DTO class (its own and inherited), by ApiInstantField. */
const INSTANT_FIELDS = Symbol('cyder:instant-fields');

const DEFAULT_INSTANT = '2030-11-19T01:00:00.000Z';

export interface InstantFieldOptions {
  /** The instant may be null (the `<name>Jst` sibling is then null too). */
  nullable?: boolean;
  /** The ISO example; default: the field's shared example (openapi/example-values.ts). */
  example?: string | null;
  description?: string;
}

/**
 * Documents an instant of a response: the field as an ISO 8601 date-time (UTC), and beside it
 * `<name>Jst`, the same instant as a Japan Standard Time wall time (`2030-11-19T10:00:00+09:00`),
 * because operators plan in Japanese local time. The DTO declares `<name>Jst` as a field of its own;
 * `withJst` fills it. The document test fails on a date-time in a response without its sibling.
 */
export function ApiInstantField(options: InstantFieldOptions = {}): PropertyDecorator {
  return (target: object, key: string | symbol) => {
    const name = String(key);
    const owner = target.constructor.name;
    const shared = EXAMPLES_BY_FIELD[`${owner}.${name}`] ?? EXAMPLES_BY_FIELD[name];
    const example = options.example !== undefined ? options.example : typeof shared === 'string' || shared === null ? shared : DEFAULT_INSTANT;
    const nullable = options.nullable === true;
    ApiProperty({
      type: String,
      format: 'date-time',
      ...(nullable ? { nullable: true } : {}),
      example,
      description: options.description ?? 'ISO 8601 instant (UTC)',
    })(target, name);
    ApiProperty({
      type: String,
      ...(nullable ? { nullable: true } : {}),
      example: example === null ? null : jstWallTime(example),
      description: `${name} as a Japan Standard Time wall time (UTC+09:00)${nullable ? `; null when ${name} is` : ''}`,
    })(target, `${name}Jst`);
    const fields: string[] = [...((Reflect.getMetadata(INSTANT_FIELDS, target) as string[] | undefined) ?? [])];
    if (!fields.includes(name)) fields.push(name);
    Reflect.defineMetadata(INSTANT_FIELDS, fields, target);
  };
}

/** The instant fields ApiInstantField documents on a DTO class. */
export function instantFieldsOf(type: Type<unknown>): readonly string[] {
  return (Reflect.getMetadata(INSTANT_FIELDS, type.prototype as object) as string[] | undefined) ?? [];
}

/**
 * A response DTO of `type` from `value`, with the `<name>Jst` sibling of every instant field the
 * class documents: the JST wall time, or null when the instant is null. An absent field stays absent.
 */
export function withJst<T extends object>(type: Type<T>, value: object): T {
  const dto = Object.assign(new type(), value) as T & Record<string, unknown>;
  for (const name of instantFieldsOf(type)) {
    if (!(name in dto) || dto[name] === undefined) continue;
    const at = dto[name] as Date | string | null;
    (dto as Record<string, unknown>)[`${name}Jst`] = at === null ? null : jstWallTime(at);
  }
  return dto;
}

/**
 * A live event as the event streams send it: `atJst` beside `at`, and `endsAtJst` beside the
 * `endsAt` of extra time given to a team. The streams are documented by example (TEXT_EXAMPLES).
 */
export function eventWithJst<E extends { at: string; data: Record<string, unknown> }>(event: E): E & { atJst: string } {
  const endsAt = event.data.endsAt;
  const data = typeof endsAt === 'string' && !Number.isNaN(Date.parse(endsAt)) ? { data: { ...event.data, endsAtJst: jstWallTime(endsAt) } } : {};
  return { ...event, atJst: jstWallTime(event.at), ...data };
}
