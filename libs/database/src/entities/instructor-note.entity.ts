import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A note an instructor leaves on a team's timeline. */
@Entity({ name: 'instructor_notes' })
@Index('instructor_notes_range_idx', ['rangeId', 'at'])
export class InstructorNoteEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'range_id', type: 'uuid' })
  rangeId!: string;

  @Column({ type: 'text' })
  author!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
