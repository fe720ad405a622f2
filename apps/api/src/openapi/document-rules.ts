import type { MediaTypeObject, OpenAPIObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { OWN_ERROR_BODIES, operationsOf } from './api-document.js';
import { ERROR_SCHEMA } from './error-responses.js';
import { composeExample } from './examples.js';

/** Ids that are no uuid and follow no one pattern, with what they are. */
const FREE_IDS: Readonly<Record<string, string>> = {
  'GET /api/v1/audit-events subjectId': "any subject's id: a uuid, a course code, a template id",
  'AuditEventDto.subjectId': "any subject's id: a uuid, a course code, a template id",
  'CheckNowDto.jobId': 'a queue job id',
};

/** Fields of the body schemas named like ids (`id`, `teamId`, `rangeIds`) without format: uuid or a pattern. */
function idFieldGaps(document: OpenAPIObject): string[] {
  const gaps: string[] = [];
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    if (isRef(schema)) continue;
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      if (isRef(property) || !/^id$|Ids?$/.test(field) || `${name}.${field}` in FREE_IDS) continue;
      const value = property.type === 'array' && property.items && !isRef(property.items) ? property.items : property;
      if (value.format !== 'uuid' && !value.pattern) gaps.push(`${name}.${field}: an id without format: uuid (or pattern)`);
    }
  }
  return gaps;
}

const isRef = (value: unknown): value is ReferenceObject => typeof value === 'object' && value !== null && '$ref' in value;
const ID_NAME = /^id$|Id$/;
/** A field named like an instant: `at`, `createdAt`, `sessionEndsAt`. */
const INSTANT_NAME = /^at$|At$/;

/** Every schema a 2xx answer can carry, by name (components) or by where it is written inline. */
function responseSchemas(document: OpenAPIObject): Array<{ name: string; schema: SchemaObject }> {
  const components = (document.components?.schemas ?? {}) as Record<string, SchemaObject | ReferenceObject>;
  const found: Array<{ name: string; schema: SchemaObject }> = [];
  const seen = new Set<string>();
  const walk = (schema: SchemaObject | ReferenceObject | undefined, name: string): void => {
    if (!schema) return;
    if (isRef(schema)) {
      const target = schema.$ref.split('/').pop()!;
      if (seen.has(target)) return;
      seen.add(target);
      walk(components[target], target);
      return;
    }
    if (schema.properties) found.push({ name, schema });
    for (const [field, property] of Object.entries(schema.properties ?? {})) walk(property, `${name}.${field}`);
    if (schema.items) walk(schema.items, `${name}[]`);
    if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${name}{}`);
    for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) walk(part, name);
  };
  for (const { method, path, operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!response || isRef(response) || Number(status) >= 300) continue;
      for (const [type, media] of Object.entries(response.content ?? {})) walk(media.schema, `${method.toUpperCase()} ${path} ${status} ${type}`);
    }
  }
  return found;
}

/**
 * Every instant an answer carries has its JST wall time beside it (issue 13): a `format: date-time`
 * field `x` comes with a string `xJst`, nullable when `x` is; a field named like an instant is a date-time.
 */
function jstGaps(document: OpenAPIObject): string[] {
  const gaps: string[] = [];
  for (const { name, schema } of responseSchemas(document)) {
    const properties = schema.properties ?? {};
    for (const [field, property] of Object.entries(properties)) {
      if (isRef(property)) continue;
      const value = property.type === 'array' && property.items && !isRef(property.items) ? property.items : property;
      if (value.format !== 'date-time') {
        if (INSTANT_NAME.test(field) && value.type === 'string') gaps.push(`${name}.${field}: named like an instant but not format: date-time`);
        continue;
      }
      const sibling = properties[`${field}Jst`];
      if (!sibling || isRef(sibling)) gaps.push(`${name}.${field}: an instant without ${field}Jst, its JST wall time, beside it (document it with ApiInstantField)`);
      else if (sibling.type !== property.type) gaps.push(`${name}.${field}Jst: not a ${property.type} like ${field}`);
      else if (Boolean(sibling.nullable) !== Boolean(property.nullable)) gaps.push(`${name}.${field}Jst: nullable ${Boolean(sibling.nullable)}, ${field} nullable ${Boolean(property.nullable)}`);
    }
  }
  return gaps;
}

function missingExample(where: string, media: MediaTypeObject, document: OpenAPIObject): string[] {
  if (media.example !== undefined || media.examples) return [];
  const gaps: string[] = [];
  if (media.schema && where.includes('application/json')) composeExample(media.schema, (document.components?.schemas ?? {}) as Record<string, SchemaObject>, gaps);
  return [`${where}: no example${gaps.length ? ` (no example value for ${gaps.join(', ')}: add @ApiProperty({ example }) or a field in example-values.ts)` : ''}`];
}

/** An id parameter says it is a uuid, or (a template id, an objective id) the pattern it follows instead. */
function idParameterGaps(where: string, parameter: ParameterObject): string[] {
  if (!ID_NAME.test(parameter.name) || `${where} ${parameter.name}` in FREE_IDS) return [];
  const schema = parameter.schema && !isRef(parameter.schema) ? parameter.schema : undefined;
  return schema?.format === 'uuid' || schema?.pattern ? [] : [`${where}: ${parameter.in} parameter ${parameter.name} has no format: uuid (or pattern)`];
}

/**
 * Everything a documented operation must have (issue 13), as one line per gap: a summary; x-roles
 * (or x-public); format uuid on ids (parameters and body fields); a JST wall time beside every instant of an
 * answer; an example on every request and response body; every
 * error answer with the one ErrorBody schema; a 400 where there is input; a 401 behind the guard.
 */
export function documentGaps(document: OpenAPIObject): string[] {
  const gaps: string[] = [...idFieldGaps(document), ...jstGaps(document)];
  for (const { method, path, operation } of operationsOf(document)) {
    const at = `${method.toUpperCase()} ${path}`;
    const extended = operation as typeof operation & Record<string, unknown>;
    if (!operation.summary?.trim()) gaps.push(`${at}: no summary`);
    const roles = extended['x-roles'];
    const isPublic = extended['x-public'] === true;
    if (!Array.isArray(roles) || (!isPublic && roles.length === 0)) gaps.push(`${at}: no x-roles`);
    const parameters = (operation.parameters ?? []).filter((p): p is ParameterObject => !isRef(p));
    for (const parameter of parameters) gaps.push(...idParameterGaps(at, parameter));
    const body = operation.requestBody && !isRef(operation.requestBody) ? operation.requestBody : undefined;
    for (const [type, media] of Object.entries(body?.content ?? {})) gaps.push(...missingExample(`${at} request ${type}`, media, document));

    const statuses = Object.keys(operation.responses).map(Number);
    if ((parameters.length || body) && !statuses.includes(400)) gaps.push(`${at}: takes input but documents no 400`);
    if (!isPublic && !statuses.includes(401)) gaps.push(`${at}: behind the guard but documents no 401`);
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!response || isRef(response)) continue;
      const where = `${at} ${status}`;
      if (Number(status) >= 400) {
        if (OWN_ERROR_BODIES.has(`${method} ${path} ${status}`)) continue;
        const media = response.content?.['application/json'];
        const schema = media?.schema;
        const shared = schema && (isRef(schema) ? schema : schema.allOf?.[0]);
        if (!shared || !isRef(shared) || !shared.$ref.endsWith(`/${ERROR_SCHEMA}`)) gaps.push(`${where}: error answer without the ${ERROR_SCHEMA} schema`);
        else gaps.push(...missingExample(`${where} application/json`, media!, document));
        continue;
      }
      if (Number(status) === 204) continue;
      if (!response.content || !Object.keys(response.content).length) gaps.push(`${where}: no body schema`);
      for (const [type, media] of Object.entries(response.content ?? {})) gaps.push(...missingExample(`${where} ${type}`, media, document));
    }
  }
  return gaps;
}
