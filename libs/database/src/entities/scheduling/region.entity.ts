import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A regional block (B-1 runs once per region at least). Seeded with the usual 11 blocks, editable. */
@Entity({ name: 'regions' })
@Unique('regions_code_key', ['code'])
export class RegionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'sort_order', type: 'integer', default: 0 })
  sortOrder!: number;
}
