import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { OrganisationEntity } from './organisation.entity.js';

/** Minimal personal data (CPSF): name, work e-mail and organisation only. */
@Entity({ name: 'trainees' })
@Unique('trainees_email_key', ['email'])
@Index('trainees_organisation_idx', ['organisationId'])
export class TraineeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  @ForeignKey(() => OrganisationEntity, { name: 'trainees_organisation_fk' })
  organisationId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
