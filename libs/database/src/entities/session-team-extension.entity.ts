import { Check, Column, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { SessionEntity } from './scheduling/session.entity.js';
import { TeamEntity } from './scheduling/team.entity.js';

/**
 * Extra time an instructor gave one team of a session: the team's scenario
 * clock ends this long after the session's end. Written only by
 * libs/session-day; the total of every extension of the team.
 */
@Entity({ name: 'session_team_extensions' })
@Check('session_team_extensions_positive', 'extra_seconds > 0')
export class SessionTeamExtensionEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  @ForeignKey(() => SessionEntity, { name: 'session_team_extensions_session_id_fkey', onDelete: 'CASCADE' })
  sessionId!: string;

  @PrimaryColumn({ name: 'team_id', type: 'uuid' })
  @ForeignKey(() => TeamEntity, { name: 'session_team_extensions_team_id_fkey', onDelete: 'CASCADE' })
  teamId!: string;

  @Column({ name: 'extra_seconds', type: 'integer' })
  extraSeconds!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
