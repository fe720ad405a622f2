import { Module } from '@nestjs/common';
import { AccessModule } from '@app/access';
import { AuthController } from './auth.controller.js';
import { AccessCodesController, UsersController } from './users.controller.js';

/** Login, logout, passwords, API tokens, accounts and trainee access codes. */
@Module({
  imports: [AccessModule],
  controllers: [AuthController, UsersController, AccessCodesController],
})
export class AccessApiModule {}
