import { Injectable, type OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PUBLIC_METADATA, ROLES_METADATA } from './roles.js';

/** A route that declares neither @RequiresRole nor @Public. */
export class UndeclaredRoutesError extends Error {
  constructor(readonly routes: string[]) {
    super(`every route must declare @RequiresRole(...) or @Public(); undeclared:\n  ${routes.join('\n  ')}`);
    this.name = 'UndeclaredRoutesError';
  }
}

/** Every route of every controller, with whether it declares who may call it. */
export function undeclaredRoutes(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector): string[] {
  const missing: string[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!instance || !type) continue;
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) continue;
      const targets = [handler, type];
      if (reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets) || reflector.getAllAndOverride<unknown[]>(ROLES_METADATA, targets)) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? '?';
      const base = Reflect.getMetadata(PATH_METADATA, type) as string | undefined;
      const route = [base, ...[path].flat()].map((p) => (p ?? '').replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
      missing.push(`${type.name}.${name} (${method} /${route})`);
    }
  }
  return missing;
}

/** Stops the boot when a route declares no access rule (naming each one). */
@Injectable()
export class AccessBootCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const missing = undeclaredRoutes(this.discovery, this.scanner, this.reflector);
    if (missing.length) throw new UndeclaredRoutesError(missing);
  }
}
