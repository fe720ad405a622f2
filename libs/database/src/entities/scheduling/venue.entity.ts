import { Check, Column, CreateDateColumn, Entity, ForeignKey, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { PrefectureEntity } from './prefecture.entity.js';

/** A training room, with the range host that runs its teams' ranges. */
@Entity({ name: 'venues' })
@Unique('venues_name_key', ['name'])
@Check('venues_seat_capacity_check', '"seat_capacity" > 0')
@Check('venues_range_host_capacity_check', '"range_host_capacity" > 0')
export class VenueEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'prefecture_code', type: 'smallint' })
  @ForeignKey(() => PrefectureEntity, { name: 'venues_prefecture_fk' })
  prefectureCode!: number;

  @Column({ type: 'text' })
  city!: string;

  @Column({ name: 'seat_capacity', type: 'integer' })
  seatCapacity!: number;

  /** Team ranges the venue's range host can run at once. */
  @Column({ name: 'range_host_capacity', type: 'integer' })
  rangeHostCapacity!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
