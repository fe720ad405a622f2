import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
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

/** Documents the X-Actor header on a controller's routes. */
export const ActorHeader = () =>
  ApiHeader({ name: 'X-Actor', required: false, description: 'Who makes the change, recorded in the audit trail (default "api")' });
