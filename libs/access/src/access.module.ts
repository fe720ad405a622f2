import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AccessBootCheck } from './access-boot-check.js';
import { AccessGuard } from './access.guard.js';
import { CredentialStore } from './credential-store.js';
import { RateLimiter } from './rate-limiter.js';
import { ResourceResolver } from './resource-resolver.js';
import { TraineeAccess } from './trainee-access.js';
import { UserDirectory } from './user-directory.js';

/**
 * Identity and authorisation for the API: credentials, users, trainee access codes, the guard and
 * the boot check. The API registers AccessGuard as its global guard (APP_GUARD).
 */
@Module({
  imports: [DiscoveryModule],
  providers: [CredentialStore, RateLimiter, UserDirectory, TraineeAccess, ResourceResolver, AccessGuard, AccessBootCheck],
  exports: [CredentialStore, RateLimiter, UserDirectory, TraineeAccess, ResourceResolver, AccessGuard],
})
export class AccessModule implements OnApplicationBootstrap {
  constructor(
    private readonly credentials: CredentialStore,
    private readonly resolver: ResourceResolver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([this.credentials.listen(), this.resolver.listen()]);
  }
}
