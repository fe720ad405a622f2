import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Kind of organisation a trainee works for; courses admit a subset of them. */
@Entity({ name: 'organisation_types' })
export class OrganisationTypeEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'sort_order', type: 'integer', default: 0 })
  sortOrder!: number;
}
