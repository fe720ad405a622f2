import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import {
  DocumentBuilder,
  type MediaTypeObject,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { JSON_BODY_LIMIT_BYTES, MAX_JSON_DEPTH } from '../common/hostile-input.js';
import { ERROR_BODY_SCHEMA, ERROR_SCHEMA, ERROR_SCHEMA_REF, errorResponse } from './error-responses.js';
import { composeExample } from './examples.js';
import { type RouteFacts, routeFactsOfApp } from './route-facts.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const SAFE_METHODS = new Set(['get', 'head', 'options']);
const ALL_ROLES = ['operator', 'instructor', 'trainee'];

/** Error answers with a body of their own instead of ErrorBody: the health report of a 503. */
export const OWN_ERROR_BODIES: ReadonlySet<string> = new Set(['get /api/v1/health 503']);

const NO_INPUT_400 = `The route takes no input: a JSON body sent anyway that is malformed or nests deeper than ${MAX_JSON_DEPTH} levels is refused`;

const NO_BODY_413 = `The route takes no body: one sent anyway above the JSON limit (${JSON_BODY_LIMIT_BYTES / 1024} KB) is refused`;

/** Every operation of a document with its method and path. */
export function operationsOf(document: OpenAPIObject): Array<{ method: string; path: string; operation: OperationObject }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => (item[method] ? [{ method, path, operation: item[method] as OperationObject }] : [])),
  );
}

const isRef = (value: unknown): value is ReferenceObject => typeof value === 'object' && value !== null && '$ref' in value;

/** The error statuses a route can answer, from what it is: who may call it and what input it takes. */
function derivedErrorStatuses(method: string, operation: OperationObject, facts: RouteFacts | undefined): number[] {
  const parameters = (operation.parameters ?? []).filter((p): p is ParameterObject => !isRef(p));
  const statuses = new Set<number>();
  // Path and query parameters go through SafeTextPipe and the validation pipe; any JSON body, even to a
  // route that takes none, through the parser and its depth check.
  statuses.add(400);
  statuses.add(413);
  if (parameters.some((p) => p.in === 'path')) statuses.add(404);
  if (!facts?.isPublic) {
    statuses.add(401);
    // Operators pass every role check, yet a read-only token on a write, or a one-time password still to change, is refused.
    const everyone = ALL_ROLES.every((role) => facts?.roles.includes(role));
    if (!everyone || !SAFE_METHODS.has(method) || !facts?.beforePasswordChange) statuses.add(403);
    // The per-credential rate limit (Redis), and the credential lookup (PostgreSQL).
    statuses.add(429);
    statuses.add(503);
  }
  return [...statuses];
}

/** The first input a route takes, to name in its 400 example (none: the route takes no input). */
function firstField(operation: OperationObject, document: OpenAPIObject): string | undefined {
  const body = operation.requestBody && !isRef(operation.requestBody) ? operation.requestBody.content['application/json']?.schema : undefined;
  const schema = body && isRef(body) ? document.components?.schemas?.[body.$ref.split('/').pop()!] : body;
  const property = schema && !isRef(schema) ? Object.keys(schema.properties ?? {})[0] : undefined;
  if (property) return property;
  const parameter = (operation.parameters ?? []).find((p): p is ParameterObject => !isRef(p));
  return parameter?.name;
}

/** A JSON body's example composed from its schema (CSV, text and event streams carry hand-written ones). */
function exampleOf(media: MediaTypeObject | undefined, document: OpenAPIObject): void {
  if (!media || media.example !== undefined || media.examples || !media.schema) return;
  const gaps: string[] = [];
  const example = composeExample(media.schema, (document.components?.schemas ?? {}) as Record<string, SchemaObject>, gaps);
  // Only a complete example is attached; the document test names the gaps of the others.
  if (!gaps.length && example !== undefined) media.example = example;
}

/**
 * Completes the document Nest built, from what the routes declare and nothing guessed:
 * - `x-roles` (and `x-public`) from the access metadata the guard reads;
 * - `format: uuid` on every path parameter ParseUUIDPipe checks;
 * - every error answer the route can give (400 for its input or a malformed body, 413 for a body too large, 401/403/429/503 behind the
 *   guard, 404 for ids, plus what the route declares: 409, ...), each with the one
 *   error schema (`ErrorBody`, the body of ApiExceptionFilter) and an example;
 * - an example on every JSON body that has none, composed from the schema (see composeExample).
 */
export function completeApiDocument(document: OpenAPIObject, routes: ReadonlyMap<string, RouteFacts>): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[ERROR_SCHEMA] = ERROR_BODY_SCHEMA;
  for (const { method, path, operation } of operationsOf(document)) {
    const facts = operation.operationId ? routes.get(operation.operationId) : undefined;
    const extended = operation as OperationObject & Record<`x-${string}`, unknown>;
    if (facts?.isPublic) {
      extended['x-public'] = true;
      extended['x-roles'] = [];
    } else if (facts) {
      extended['x-roles'] = facts.roles;
    }
    for (const parameter of operation.parameters ?? []) {
      if (isRef(parameter) || parameter.in !== 'path' || !facts?.uuidParams.includes(parameter.name)) continue;
      parameter.schema = { ...(parameter.schema as SchemaObject | undefined), type: 'string', format: 'uuid' };
    }
    const field = firstField(operation, document);
    const takesInput = (operation.parameters ?? []).length > 0 || operation.requestBody !== undefined;
    for (const status of derivedErrorStatuses(method, operation, facts)) {
      if (operation.responses[String(status)]) continue;
      const description =
        !takesInput && status === 400
          ? NO_INPUT_400
          : operation.requestBody === undefined && status === 413
            ? NO_BODY_413
            : status === 403 && facts
              ? `This route is for ${facts.roles.join(', ')} (operators may call every route); also a read-only API token on a write, or a one-time password not changed yet`
              : '';
      operation.responses[String(status)] = { description };
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!response || isRef(response) || Number(status) < 400) continue;
      if (OWN_ERROR_BODIES.has(`${method} ${path} ${status}`)) continue;
      // Every error is JSON (even on a CSV route) with the one error body; a route's own details (a template's errors) come on top of it.
      const own = response.content?.['application/json']?.schema;
      const details = own && !(isRef(own) && own.$ref === ERROR_SCHEMA_REF) ? own : undefined;
      const answer = errorResponse(Number(status), response.description, field);
      if (details) {
        const media = answer.content!['application/json']!;
        media.schema = { allOf: [{ $ref: ERROR_SCHEMA_REF }, details] };
        const gaps: string[] = [];
        const example = composeExample(details, (document.components.schemas ?? {}) as Record<string, SchemaObject>, gaps);
        if (!gaps.length && typeof example === 'object') media.example = { ...(media.example as object), ...example };
      }
      operation.responses[status] = { ...answer, ...(response.headers ? { headers: { ...answer.headers, ...response.headers } } : {}) } as ResponseObject;
    }
    if (operation.requestBody && !isRef(operation.requestBody)) {
      exampleOf(operation.requestBody.content['application/json'], document);
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!response || isRef(response) || Number(status) >= 400) continue;
      exampleOf(response.content?.['application/json'], document);
    }
  }
  return document;
}

/** The API's OpenAPI document: what Nest reads from the controllers and DTOs, completed. */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CYDER range API')
      .setDescription(
        'Course scheduling, per-team isolated cyber ranges and detection-to-recovery scoring. ' +
          'Every operation lists the roles that may call it in `x-roles` (operators may call every route) or is `x-public`. ' +
          'Every error answer has the one body `ErrorBody`: `{statusCode, error, message}` plus its details (`errors` lists every failing field of a 400).',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A session token (POST /auth/login or /auth/trainee-login) or a personal API token' })
      .build(),
  );
  return completeApiDocument(document, routeFactsOfApp(app.get(ModulesContainer)));
}
