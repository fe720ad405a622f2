import type { Page, PageRequest } from './views.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function pageWindow(req: PageRequest): { page: number; pageSize: number; offset: number } {
  const page = Math.max(1, req.page ?? 1);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, req.pageSize ?? DEFAULT_PAGE_SIZE));
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export function toPage<T>(items: T[], total: number, req: PageRequest): Page<T> {
  const { page, pageSize } = pageWindow(req);
  return { items, total, page, pageSize };
}

/** Collects SQL conditions with numbered parameters. */
export class SqlWhere {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(sql: (p: (value: unknown) => string) => string): this {
    this.conditions.push(sql((value) => {
      this.params.push(value);
      return `$${this.params.length}`;
    }));
    return this;
  }

  get sql(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }

  next(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}
