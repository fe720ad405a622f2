import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Extra time an instructor gave one team of a session: the team's scenario
 * clock ends this long after the session's end. Written only by
 * libs/session-day; the total of every extension of the team.
 */
@Entity({ name: 'session_team_extensions' })
export class SessionTeamExtensionEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @PrimaryColumn({ name: 'team_id', type: 'uuid' })
  teamId!: string;

  @Column({ name: 'extra_seconds', type: 'integer' })
  extraSeconds!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
