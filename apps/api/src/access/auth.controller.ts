import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, ApiOperation } from '@nestjs/swagger';
import {
  addressOf,
  AllowedBeforePasswordChange,
  CurrentPrincipal,
  type Principal,
  Public,
  RequiresRole,
  Role,
  TraineeAccess,
  UserDirectory,
} from '@app/access';
import type { Request } from 'express';
import {
  ApiTokenDto,
  ChangePasswordDto,
  CreateApiTokenDto,
  IssuedApiTokenDto,
  LoginDto,
  MeDto,
  PrincipalDto,
  SessionTokenDto,
  TraineeLoginDto,
  TraineeProfileDto,
} from './access.dto.js';

/** Logging in and out, the caller's own password, profile and API tokens. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly users: UserDirectory,
    private readonly trainees: TraineeAccess,
  ) {}

  @ApiOperation({ summary: 'Log in with e-mail and password' })
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: SessionTokenDto, description: 'A session token (operators, instructors)' })
  @ApiUnauthorizedResponse({ description: 'Wrong e-mail or password (one answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this account or address; Retry-After says when to try again' })
  async login(@Body() body: LoginDto, @Req() request: Request): Promise<SessionTokenDto> {
    const issued = await this.users.login(body.email, body.password, addressOf(request));
    return SessionTokenDto.from(issued, issued.user.mustChangePassword);
  }

  @ApiOperation({ summary: 'Log in as a trainee with an access code' })
  @Post('trainee-login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: SessionTokenDto, description: "A trainee session, bound to the trainee's team in the code's session" })
  @ApiUnauthorizedResponse({ description: 'Unknown, reissued or expired access code' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures from this address' })
  async traineeLogin(@Body() body: TraineeLoginDto, @Req() request: Request): Promise<SessionTokenDto> {
    return SessionTokenDto.from(await this.trainees.login(body.code, addressOf(request)));
  }

  @ApiOperation({ summary: 'Log out (revoke this credential)' })
  @Post('logout')
  @HttpCode(204)
  @RequiresRole(Role.Operator, Role.Instructor, Role.Trainee)
  @AllowedBeforePasswordChange()
  @ApiNoContentResponse({ description: 'This session (or API token) is revoked' })
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.users.logout(principal);
  }

  @ApiOperation({ summary: 'Who am I' })
  @Get('me')
  @RequiresRole(Role.Operator, Role.Instructor, Role.Trainee)
  @AllowedBeforePasswordChange()
  @ApiOkResponse({ type: MeDto, description: 'Who the credential is; trainees also get their own enrolment (session, team, range)' })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    if (principal.role !== Role.Trainee) return { principal: PrincipalDto.from(principal) };
    const enrolment = await this.trainees.profile(principal.traineeId!, principal.sessionId!, principal.teamId!);
    return { principal: PrincipalDto.from(principal), enrolment: TraineeProfileDto.from(enrolment) };
  }

  @ApiOperation({ summary: 'Change my password' })
  @Post('password')
  @HttpCode(200)
  @RequiresRole(Role.Operator, Role.Instructor)
  @AllowedBeforePasswordChange()
  @ApiOkResponse({ type: SessionTokenDto, description: 'Password changed: every session and API token of the user is revoked; here is a new session' })
  async changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto, @Req() request: Request): Promise<SessionTokenDto> {
    return SessionTokenDto.from(await this.users.changePassword(principal, body.currentPassword, body.newPassword, addressOf(request)), false);
  }

  @ApiOperation({ summary: 'Issue a personal API token' })
  @Post('tokens')
  @RequiresRole(Role.Operator, Role.Instructor)
  @ApiOkResponse({ type: IssuedApiTokenDto, description: 'A personal API token; the secret is shown once' })
  async issueToken(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiTokenDto, @Req() request: Request): Promise<IssuedApiTokenDto> {
    const { token, view } = await this.users.issueApiToken(principal, body.name, body.scope, body.expiresInDays, addressOf(request));
    return { ...ApiTokenDto.from(view), token };
  }

  @ApiOperation({ summary: 'List my API tokens' })
  @Get('tokens')
  @RequiresRole(Role.Operator, Role.Instructor)
  @ApiOkResponse({ type: [ApiTokenDto], description: "The caller's API tokens (never their secrets)" })
  async tokens(@CurrentPrincipal() principal: Principal): Promise<ApiTokenDto[]> {
    return (await this.users.listApiTokens(principal)).map(ApiTokenDto.from);
  }

  @ApiOperation({ summary: 'Revoke one of my API tokens' })
  @Delete('tokens/:tokenId')
  @HttpCode(204)
  @RequiresRole(Role.Operator, Role.Instructor)
  @ApiNoContentResponse({ description: 'Revoked' })
  async revokeToken(@CurrentPrincipal() principal: Principal, @Param('tokenId', ParseUUIDPipe) tokenId: string): Promise<void> {
    await this.users.revokeApiToken(principal, tokenId);
  }
}
