import { Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { EnrollmentEntity } from './enrollment.entity.js';
import { TeamEntity } from './team.entity.js';

/** A confirmed enrollment placed in a team; one team per trainee per session. */
@Entity({ name: 'team_members' })
@Unique('team_members_session_trainee_key', ['sessionId', 'traineeId'])
@Index('team_members_team_idx', ['teamId'])
export class TeamMemberEntity {
  @PrimaryColumn({ name: 'enrollment_id', type: 'uuid' })
  @ForeignKey(() => EnrollmentEntity, { name: 'team_members_enrollment_fk', onDelete: 'CASCADE' })
  enrollmentId!: string;

  @Column({ name: 'team_id', type: 'uuid' })
  @ForeignKey(() => TeamEntity, { name: 'team_members_team_fk', onDelete: 'CASCADE' })
  teamId!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'trainee_id', type: 'uuid' })
  traineeId!: string;
}
