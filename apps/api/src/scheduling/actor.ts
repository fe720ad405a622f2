import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Who makes the change, for the audit trail: the X-Actor header (set by the operator console or
 * the gateway in front of the API), "api" when absent.
 */
export const Actor = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const value = ctx.switchToHttp().getRequest<Request>().headers['x-actor'];
  const actor = (Array.isArray(value) ? value[0] : value)?.trim();
  return actor ? actor.slice(0, 200) : 'api';
});
