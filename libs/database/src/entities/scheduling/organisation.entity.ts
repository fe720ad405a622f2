import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { OrganisationTypeEntity } from './organisation-type.entity.js';
import { PrefectureEntity } from './prefecture.entity.js';

@Entity({ name: 'organisations' })
@Unique('organisations_name_key', ['name'])
export class OrganisationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'type_code', type: 'text' })
  @ForeignKey(() => OrganisationTypeEntity, { name: 'organisations_type_fk' })
  typeCode!: string;

  @Column({ name: 'prefecture_code', type: 'smallint', nullable: true })
  @ForeignKey(() => PrefectureEntity, { name: 'organisations_prefecture_fk' })
  prefectureCode!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
