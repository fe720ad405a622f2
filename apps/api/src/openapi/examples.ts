import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { EXAMPLES_BY_FIELD } from './example-values.js';

type Schema = SchemaObject | ReferenceObject;
type Schemas = Record<string, Schema>;

const isRef = (schema: Schema): schema is ReferenceObject => '$ref' in schema;

const FORMAT_EXAMPLES: Readonly<Record<string, unknown>> = {
  uuid: '5f0c7a4e-3b1d-4c8e-9a2f-6d1e8b7c4a90',
  'date-time': '2030-11-19T01:00:00.000Z',
  date: '2030-11-19',
  email: 'sato.hanako@example.jp',
  uri: 'https://range.example.jp/api/v1',
};

/**
 * An example value of a schema, composed from what the schema itself says: a property's own
 * `example`, then the shared example of its field name (EXAMPLES_BY_FIELD, `Dto.field` before
 * `field`), its enum, default, format or lower bound. Whatever none of these give is named in
 * `gaps` (by its path) and left out: a DTO field needs an example, or the document test fails.
 */
export function composeExample(schema: Schema, schemas: Schemas, gaps: string[], path = '$', owner?: string, seen: ReadonlySet<string> = new Set()): unknown {
  if (isRef(schema)) {
    const name = schema.$ref.split('/').pop()!;
    const target = schemas[name];
    if (!target || seen.has(name)) {
      gaps.push(`${path} (${schema.$ref})`);
      return undefined;
    }
    return composeExample(target, schemas, gaps, path, name, new Set([...seen, name]));
  }
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.allOf?.length) {
    const parts = schema.allOf.map((part) => composeExample(part, schemas, gaps, path, owner, seen));
    return parts.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[0];
  }
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices?.length) return composeExample(choices[0]!, schemas, gaps, path, owner, seen);
  if (schema.type === 'array') {
    if (!schema.items) {
      gaps.push(path);
      return undefined;
    }
    const item = composeExample(schema.items, schemas, gaps, `${path}[0]`, owner, seen);
    return item === undefined ? [] : [item];
  }
  if (schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [field, property] of Object.entries(schema.properties)) {
      const own = !isRef(property) && property.example !== undefined;
      const shared = owner && `${owner}.${field}` in EXAMPLES_BY_FIELD ? EXAMPLES_BY_FIELD[`${owner}.${field}`] : EXAMPLES_BY_FIELD[field];
      const value = !own && shared !== undefined ? shared : composeExample(property, schemas, gaps, `${path}.${field}`, owner, seen);
      if (value !== undefined) out[field] = value;
    }
    return out;
  }
  if (schema.format && schema.format in FORMAT_EXAMPLES) return FORMAT_EXAMPLES[schema.format];
  if (schema.type === 'boolean') return true;
  if ((schema.type === 'integer' || schema.type === 'number') && typeof schema.minimum === 'number') return schema.minimum;
  gaps.push(owner ? `${path} (${owner})` : path);
  return undefined;
}
