import { Column, Entity, ForeignKey, PrimaryColumn, Unique } from 'typeorm';
import { RegionEntity } from './region.entity.js';

/** One of the 47 prefectures, keyed by its JIS X 0401 code (1 Hokkaido ... 47 Okinawa). */
@Entity({ name: 'prefectures' })
@Unique('prefectures_name_key', ['name'])
export class PrefectureEntity {
  @PrimaryColumn({ type: 'smallint' })
  code!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'name_ja', type: 'text' })
  nameJa!: string;

  @Column({ name: 'region_id', type: 'uuid' })
  @ForeignKey(() => RegionEntity, { name: 'prefectures_region_fk' })
  regionId!: string;
}
