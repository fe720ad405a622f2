import { IsName } from '../common/is-name.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { AccessCodeSheet, ApiTokenView, IssuedCredential, Principal, TraineeProfile } from '@app/access';
import type { UserEntity } from '@app/database';
import { ApiInstantField, withJst } from '../common/jst-fields.js';

export class LoginDto {
  @ApiProperty() @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) password!: string;
}

export class TraineeLoginDto {
  @ApiProperty({ example: 'K7QD-3NWX-PHAT', description: 'The access code of the session (case, spaces and dashes do not matter)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  code!: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) currentPassword!: string;
  @ApiProperty({ minLength: 12 }) @IsString() @MaxLength(1024) newPassword!: string;
}

export class PrincipalDto {
  @ApiProperty({ enum: ['user', 'trainee'] }) kind!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['operator', 'instructor', 'trainee'] }) role!: string;
  @ApiProperty() displayName!: string;
  @ApiPropertyOptional({ format: 'uuid' }) traineeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) teamId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) sessionId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) instructorId?: string;
  @ApiProperty({ format: 'uuid' }) credentialId!: string;
  @ApiProperty({ enum: ['read', 'full'] }) scope!: string;
  @ApiPropertyOptional() mustChangePassword?: boolean;

  static from(p: Principal): PrincipalDto {
    return { ...p };
  }
}

export class SessionTokenDto {
  @ApiProperty({ description: 'Bearer token: send as Authorization: Bearer <token>. Shown once.' }) token!: string;
  @ApiProperty({ format: 'uuid' }) credentialId!: string;
  @ApiInstantField() expiresAt!: string;
  expiresAtJst!: string;
  @ApiPropertyOptional({ description: 'Sessions end after this many seconds without a request' }) idleSeconds?: number;
  @ApiPropertyOptional({ description: 'The one-time password must be changed before anything else' }) mustChangePassword?: boolean;

  static from(issued: IssuedCredential, mustChangePassword?: boolean): SessionTokenDto {
    return withJst(SessionTokenDto, {
      token: issued.token,
      credentialId: issued.credential.id,
      expiresAt: issued.credential.expiresAt.toISOString(),
      ...(issued.credential.idleSeconds !== null ? { idleSeconds: issued.credential.idleSeconds } : {}),
      ...(mustChangePassword !== undefined ? { mustChangePassword } : {}),
    });
  }
}

export class TraineeProfileDto {
  @ApiProperty({ format: 'uuid' }) traineeId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty() organisation!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty() courseCode!: string;
  @ApiInstantField() startsAt!: string;
  startsAtJst!: string;
  @ApiInstantField() endsAt!: string;
  endsAtJst!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty() teamName!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: "The team's live range" }) rangeId!: string | null;

  static from(p: TraineeProfile): TraineeProfileDto {
    return withJst(TraineeProfileDto, { ...p, startsAt: p.startsAt.toISOString(), endsAt: p.endsAt.toISOString() });
  }
}

export class MeDto {
  @ApiProperty({ type: PrincipalDto }) principal!: PrincipalDto;
  @ApiPropertyOptional({ type: TraineeProfileDto, description: "Trainees: their own enrolment" }) enrolment?: TraineeProfileDto;
}

export class CreateApiTokenDto {
  @ApiProperty({ example: 'nightly export' }) @IsName(100) name!: string;
  @ApiProperty({ enum: ['read', 'full'], description: 'read: GET routes only' }) @IsIn(['read', 'full']) scope!: 'read' | 'full';
  @ApiProperty({ minimum: 1, maximum: 365 }) @IsInt() @Min(1) @Max(365) expiresInDays!: number;
}

export class ApiTokenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['read', 'full'] }) scope!: string;
  @ApiInstantField() createdAt!: string;
  createdAtJst!: string;
  @ApiInstantField() expiresAt!: string;
  expiresAtJst!: string;
  @ApiInstantField() lastUsedAt!: string;
  lastUsedAtJst!: string;
  @ApiInstantField({ nullable: true }) revokedAt!: string | null;
  revokedAtJst!: string | null;

  static from(v: ApiTokenView): ApiTokenDto {
    return withJst(ApiTokenDto, {
      ...v,
      createdAt: v.createdAt.toISOString(),
      expiresAt: v.expiresAt.toISOString(),
      lastUsedAt: v.lastUsedAt.toISOString(),
      revokedAt: v.revokedAt?.toISOString() ?? null,
    });
  }
}

export class IssuedApiTokenDto extends ApiTokenDto {
  @ApiProperty({ description: 'The secret: shown once, never again' }) token!: string;
}

export class CreateUserDto {
  @ApiProperty() @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ example: 'Sato Hanako' }) @IsName(200) displayName!: string;
  @ApiProperty({ enum: ['operator', 'instructor'] }) @IsIn(['operator', 'instructor']) role!: 'operator' | 'instructor';
  @ApiPropertyOptional({ format: 'uuid', description: 'Instructors: the scheduling instructor (their session assignments decide what they see)' })
  @IsOptional()
  @IsUUID()
  instructorId?: string;
}

export class UpdateUserDto {
  @ApiProperty() @IsBoolean() disabled!: boolean;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ['operator', 'instructor'] }) role!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) instructorId!: string | null;
  @ApiProperty() mustChangePassword!: boolean;
  @ApiProperty() disabled!: boolean;
  @ApiInstantField() createdAt!: string;
  createdAtJst!: string;

  static from(u: UserEntity): UserDto {
    return withJst(UserDto, {
      id: u.id,
      email: u.email,
      displayName: u.displayName,
      role: u.role,
      instructorId: u.instructorId,
      mustChangePassword: u.mustChangePassword,
      disabled: u.disabled,
      createdAt: u.createdAt.toISOString(),
    });
  }
}

export class CreatedUserDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ description: 'Shown once; must be changed at first login' }) oneTimePassword!: string;
}

export class OneTimePasswordDto {
  @ApiProperty({ description: 'Shown once; must be changed at first login' }) oneTimePassword!: string;
}

export class AccessCodesQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv', 'email'], description: 'json (default), csv (printable list for the venue), email (one message text per trainee, for Online A)' })
  @IsOptional()
  @IsIn(['json', 'csv', 'email'])
  format?: 'json' | 'csv' | 'email';
}

export class AccessCodeDto {
  @ApiProperty({ format: 'uuid' }) traineeId!: string;
  @ApiProperty() traineeName!: string;
  @ApiProperty() email!: string;
  @ApiProperty() organisation!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty() teamName!: string;
  @ApiProperty({ description: 'Shown once' }) code!: string;
  @ApiInstantField() expiresAt!: string;
  expiresAtJst!: string;
}

export class AccessCodeSheetDto {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty() courseCode!: string;
  @ApiProperty() courseName!: string;
  @ApiInstantField() startsAt!: string;
  startsAtJst!: string;
  @ApiInstantField() endsAt!: string;
  endsAtJst!: string;
  @ApiProperty({ type: [AccessCodeDto] }) codes!: AccessCodeDto[];

  static from(s: AccessCodeSheet): AccessCodeSheetDto {
    return withJst(AccessCodeSheetDto, {
      ...s,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      codes: s.codes.map((c) => withJst(AccessCodeDto, { ...c, expiresAt: c.expiresAt.toISOString() })),
    });
  }
}
