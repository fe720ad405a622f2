import { Column, ForeignKey, CreateDateColumn, Entity, Exclusion, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { RangeEntity } from './range.entity.js';

/**
 * One subnet of the configured pool, held by one network of one range until
 * teardown. PostgreSQL guarantees that no two allocations overlap.
 */
@Entity({ name: 'range_subnets' })
@Unique('range_subnets_cidr_uq', ['cidr'])
@Unique('range_subnets_range_network_uq', ['rangeId', 'network'])
@Exclusion('range_subnets_no_overlap', 'USING gist (cidr inet_ops WITH &&)')
@Index('range_subnets_range_idx', ['rangeId'])
export class RangeSubnetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @ForeignKey(() => RangeEntity, { name: 'range_subnets_range_fk', onDelete: 'CASCADE' })
  @Column({ name: 'range_id', type: 'uuid' })
  rangeId!: string;

  /** Template network (segment) name. */
  @Column({ type: 'text' })
  network!: string;

  @Column({ type: 'cidr' })
  cidr!: string;

  @CreateDateColumn({ name: 'allocated_at', type: 'timestamptz' })
  allocatedAt!: Date;
}
