import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Latest probe result of a check objective in a range, and since when it has held. */
@Entity({ name: 'objective_checks' })
export class ObjectiveCheckEntity {
  @PrimaryColumn({ name: 'range_id', type: 'uuid' })
  rangeId!: string;

  @PrimaryColumn({ name: 'objective_id', type: 'text' })
  objectiveId!: string;

  @Column({ type: 'boolean' })
  holds!: boolean;

  /** When the probe started holding without interruption; null while it does not hold. */
  @Column({ name: 'holding_since', type: 'timestamptz', nullable: true })
  holdingSince!: Date | null;

  /** Scenario time (ms) the probe started holding at; holds are measured in scenario time, so a pause stretches none. */
  @Column({ name: 'holding_since_ms', type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  holdingSinceMs!: number | null;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;

  @Column({ type: 'text' })
  detail!: string;
}
