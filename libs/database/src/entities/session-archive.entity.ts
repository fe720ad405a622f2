import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A finished session's after-action export, frozen at its end: the JSON
 * (board, scores, every team's timeline) and the CSV, readable after the
 * ranges are gone. Its presence freezes the session's scores.
 */
@Entity({ name: 'session_archives' })
export class SessionArchiveEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;

  @Column({ name: 'export_json', type: 'jsonb' })
  exportJson!: Record<string, unknown>;

  @Column({ name: 'export_csv', type: 'text' })
  exportCsv!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
