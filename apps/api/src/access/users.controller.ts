import { applyDecorators, Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiResponse, ApiTags, ApiOperation, getSchemaPath, ApiConflictResponse } from '@nestjs/swagger';
import { TEXT_EXAMPLES } from '../openapi/decorators.js';
import { accessCodesCsv, accessCodesEmailText, Actor, RequiresRole, Role, TraineeAccess, UserDirectory, type AccessCodeSheet } from '@app/access';
import type { Response } from 'express';
import { AccessCodeSheetDto, AccessCodesQueryDto, CreatedUserDto, CreateUserDto, OneTimePasswordDto, UpdateUserDto, UserDto } from './access.dto.js';

/** Operator and instructor accounts (operators only). */
@ApiTags('users')
@RequiresRole(Role.Operator)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UserDirectory) {}

  @ApiOperation({ summary: 'Create a user account' })
  @ApiConflictResponse({ description: 'An account with this e-mail exists' })
  @Post()
  @ApiCreatedResponse({ type: CreatedUserDto, description: 'The account and its one-time password (shown once; changed at first login)' })
  async create(@Body() body: CreateUserDto, @Actor() actor: string): Promise<CreatedUserDto> {
    const { user, oneTimePassword } = await this.users.create(body, actor);
    return { user: UserDto.from(user), oneTimePassword };
  }

  @ApiOperation({ summary: 'List user accounts' })
  @Get()
  @ApiOkResponse({ type: [UserDto] })
  async list(): Promise<UserDto[]> {
    return (await this.users.list()).map(UserDto.from);
  }

  @ApiOperation({ summary: 'Change or disable a user account' })
  @Patch(':userId')
  @ApiOkResponse({ type: UserDto, description: 'Disabling ends every session and API token of the account' })
  async update(@Param('userId', ParseUUIDPipe) userId: string, @Body() body: UpdateUserDto, @Actor() actor: string): Promise<UserDto> {
    return UserDto.from(await this.users.setDisabled(userId, body.disabled, actor));
  }

  @ApiOperation({ summary: "Reset a user's password" })
  @Post(':userId/password-reset')
  @HttpCode(200)
  @ApiOkResponse({ type: OneTimePasswordDto, description: 'A new one-time password; every session and API token of the account ends' })
  async resetPassword(@Param('userId', ParseUUIDPipe) userId: string, @Actor() actor: string): Promise<OneTimePasswordDto> {
    return { oneTimePassword: await this.users.resetPassword(userId, actor) };
  }
}

/** The sheet as JSON, CSV (?format=csv) or one e-mail text per trainee (?format=email). */
const AccessCodesResponse = (description: string) =>
  applyDecorators(
    ApiExtraModels(AccessCodeSheetDto),
    ApiResponse({
      status: 200,
      description,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(AccessCodeSheetDto) } },
        'text/csv': { schema: { type: 'string' }, example: TEXT_EXAMPLES.accessCodesCsv },
        'text/plain': { schema: { type: 'string' }, example: TEXT_EXAMPLES.accessCodesText },
      },
    }),
  );

function sendSheet(sheet: AccessCodeSheet, format: AccessCodesQueryDto['format'], res: Response): AccessCodeSheetDto | string {
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="access-codes-${sheet.sessionId}.csv"`);
    return accessCodesCsv(sheet);
  }
  if (format === 'email') {
    res.type('text/plain; charset=utf-8');
    return accessCodesEmailText(sheet);
  }
  return AccessCodeSheetDto.from(sheet);
}

/** Trainee access codes of a session (operators only): issued once, printable, e-mail text for Online A, reissue. */
@ApiTags('access codes')
@RequiresRole(Role.Operator)
@Controller('sessions/:sessionId/access-codes')
export class AccessCodesController {
  constructor(private readonly trainees: TraineeAccess) {}

  @ApiOperation({ summary: 'Issue trainee access codes for a session' })
  @ApiConflictResponse({ description: 'The session has ended, or has no teams yet' })
  @Post()
  @HttpCode(200)
  @AccessCodesResponse('A code for every team member without one (each shown only here); expires at the session end')
  async issue(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @Query() query: AccessCodesQueryDto,
    @Actor() actor: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AccessCodeSheetDto | string> {
    return sendSheet(await this.trainees.issueForSession(sessionId, actor), query.format, res);
  }

  @ApiOperation({ summary: "Reissue one trainee's access code" })
  @ApiConflictResponse({ description: 'The session has ended, or has no teams yet' })
  @Post(':traineeId/reissue')
  @HttpCode(200)
  @AccessCodesResponse('A new code for one trainee; the old code and its sessions stop working at once')
  async reissue(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @Param('traineeId', ParseUUIDPipe) traineeId: string,
    @Query() query: AccessCodesQueryDto,
    @Actor() actor: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AccessCodeSheetDto | string> {
    return sendSheet(await this.trainees.reissue(sessionId, traineeId, actor), query.format, res);
  }
}
