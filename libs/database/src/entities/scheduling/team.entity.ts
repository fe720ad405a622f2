import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { SessionEntity } from './session.entity.js';

/** A team of a session; each team later gets its own isolated range (libs/ranges). */
@Entity({ name: 'teams' })
@Unique('teams_session_number_key', ['sessionId', 'number'])
// The target of the ranges' (session, team) foreign key.
@Unique('teams_session_id_key', ['sessionId', 'id'])
export class TeamEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  @ForeignKey(() => SessionEntity, { name: 'teams_session_fk', onDelete: 'CASCADE' })
  sessionId!: string;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'text' })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
