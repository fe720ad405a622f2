import { ParseUUIDPipe, type Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { PUBLIC_METADATA, ROLES_METADATA, PASSWORD_CHANGE_ROUTE_METADATA } from '@app/access';

/** What the access guard and the pipes of one route say, read from the same metadata they read. */
export interface RouteFacts {
  /** `<Controller>_<method>`: the operationId @nestjs/swagger gives the route. */
  operationId: string;
  isPublic: boolean;
  /** The roles the route declares (its own declaration replaces its controller's, as in the guard). */
  roles: string[];
  /** Open to a user who still has to change a one-time password. */
  beforePasswordChange: boolean;
  /** Path parameters checked by ParseUUIDPipe. */
  uuidParams: string[];
}

function metadataOf<T>(key: string, handler: object, type: object): T | undefined {
  // Reflector.getAllAndOverride: the handler's own declaration wins over its controller's.
  return (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, type) as T | undefined);
}

function isUuidPipe(pipe: unknown): boolean {
  return pipe === ParseUUIDPipe || pipe instanceof ParseUUIDPipe;
}

/** The facts of every route of one controller class. */
export function routeFactsOf(type: Type<unknown>): RouteFacts[] {
  const facts: RouteFacts[] = [];
  const prototype = type.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    if (name === 'constructor') continue;
    const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value as object | undefined;
    if (typeof handler !== 'function' || Reflect.getMetadata('path', handler) === undefined) continue;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) ?? {}) as Record<string, { data?: unknown; pipes?: unknown[] }>;
    const uuidParams = Object.entries(args)
      .filter(([key, arg]) => key.split(':')[0] === String(RouteParamtypes.PARAM) && typeof arg.data === 'string' && (arg.pipes ?? []).some(isUuidPipe))
      .map(([, arg]) => arg.data as string);
    facts.push({
      operationId: `${type.name}_${name}`,
      isPublic: metadataOf<boolean>(PUBLIC_METADATA, handler, type) === true,
      roles: [...(metadataOf<string[]>(ROLES_METADATA, handler, type) ?? [])],
      beforePasswordChange: metadataOf<boolean>(PASSWORD_CHANGE_ROUTE_METADATA, handler, type) === true,
      uuidParams,
    });
  }
  return facts;
}

/** Every route of every controller the application holds, by operationId. */
export function routeFactsOfApp(modules: ModulesContainer): Map<string, RouteFacts> {
  const byOperation = new Map<string, RouteFacts>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as Type<unknown> | null;
      if (!type) continue;
      for (const facts of routeFactsOf(type)) byOperation.set(facts.operationId, facts);
    }
  }
  return byOperation;
}
