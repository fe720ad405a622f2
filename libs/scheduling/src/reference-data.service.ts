import { Injectable } from '@nestjs/common';
import {
  AuditTrail,
  OrganisationEntity,
  OrganisationTypeEntity,
  PrefectureEntity,
  RegionEntity,
  VenueEntity,
} from '@app/database';
import { DataSource, type EntityManager } from 'typeorm';
import { maxTeams } from './domain/team-formation.js';
import { pageWindow, SqlWhere, toPage } from './paging.js';
import type { OrganisationTypeView, OrganisationView, Page, PageRequest, PrefectureView, RegionView, VenueView } from './views.js';
import { SchedulingNotFoundError, SchedulingRuleError } from './errors.js';

export interface RegionInput {
  code?: string;
  name?: string;
  sortOrder?: number;
  /** Prefectures moved into this region (from whatever region they were in). */
  prefectureCodes?: number[];
}

export interface OrganisationInput {
  name: string;
  typeCode: string;
  prefectureCode?: number | null;
}

export interface VenueInput {
  name?: string;
  prefectureCode?: number;
  city?: string;
  seatCapacity?: number;
  rangeHostCapacity?: number;
}

/** Prefectures, regions, organisation types, organisations and venues. */
@Injectable()
export class ReferenceDataService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async listRegions(): Promise<RegionView[]> {
    const rows: Array<{ id: string; code: string; name: string; sort_order: number; prefecture_codes: number[] | null }> =
      await this.dataSource.query(
        `SELECT r.id, r.code, r.name, r.sort_order, array_agg(p.code ORDER BY p.code) FILTER (WHERE p.code IS NOT NULL) AS prefecture_codes
         FROM regions r LEFT JOIN prefectures p ON p.region_id = r.id GROUP BY r.id ORDER BY r.sort_order, r.name`,
      );
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, sortOrder: r.sort_order, prefectureCodes: r.prefecture_codes ?? [] }));
  }

  async getRegion(id: string): Promise<RegionView> {
    const region = (await this.listRegions()).find((r) => r.id === id);
    if (!region) throw new SchedulingNotFoundError(`region ${id} does not exist`);
    return region;
  }

  async createRegion(input: Required<Pick<RegionInput, 'code' | 'name'>> & RegionInput, actor: string): Promise<RegionView> {
    const id = await this.dataSource.transaction(async (m) => {
      const { id } = await m.save(RegionEntity, m.create(RegionEntity, { code: input.code, name: input.name, sortOrder: input.sortOrder ?? 100 }));
      if (input.prefectureCodes?.length) await this.movePrefectures(m, id, input.prefectureCodes);
      await this.audit.record({ actor, action: 'region.create', subjectType: 'region', subjectId: id, details: { ...input } }, m);
      return id;
    });
    return this.getRegion(id);
  }

  async updateRegion(id: string, input: RegionInput, actor: string): Promise<RegionView> {
    await this.dataSource.transaction(async (m) => {
      const region = await m.findOne(RegionEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!region) throw new SchedulingNotFoundError(`region ${id} does not exist`);
      const patch: Partial<RegionEntity> = {};
      if (input.code !== undefined) patch.code = input.code;
      if (input.name !== undefined) patch.name = input.name;
      if (input.sortOrder !== undefined) patch.sortOrder = input.sortOrder;
      if (Object.keys(patch).length) await m.update(RegionEntity, { id }, patch);
      if (input.prefectureCodes) await this.movePrefectures(m, id, input.prefectureCodes);
      await this.audit.record({ actor, action: 'region.update', subjectType: 'region', subjectId: id, details: { ...input } }, m);
    });
    return this.getRegion(id);
  }

  async deleteRegion(id: string, actor: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const region = await m.findOne(RegionEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!region) throw new SchedulingNotFoundError(`region ${id} does not exist`);
      const prefectures = await m.count(PrefectureEntity, { where: { regionId: id } });
      if (prefectures > 0) throw new SchedulingRuleError(`region ${region.name} still has ${prefectures} prefecture(s); move them to another region first`);
      const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM sessions WHERE region_id = $1`, [id]);
      if (n > 0) throw new SchedulingRuleError(`region ${region.name} is used by ${n} session(s)`);
      await m.delete(RegionEntity, { id });
      await this.audit.record({ actor, action: 'region.delete', subjectType: 'region', subjectId: id, details: { code: region.code } }, m);
    });
  }

  private async movePrefectures(m: EntityManager, regionId: string, codes: number[]): Promise<void> {
    const found = await m.count(PrefectureEntity, { where: codes.map((code) => ({ code })) });
    if (found !== new Set(codes).size) throw new SchedulingNotFoundError(`unknown prefecture code among ${codes.join(', ')} (1-47)`);
    await m.query(`UPDATE prefectures SET region_id = $1 WHERE code = ANY($2)`, [regionId, codes]);
  }

  async listPrefectures(): Promise<PrefectureView[]> {
    const rows: Array<{ code: number; name: string; name_ja: string; region_id: string; region_name: string }> = await this.dataSource.query(
      `SELECT p.code, p.name, p.name_ja, p.region_id, r.name AS region_name FROM prefectures p JOIN regions r ON r.id = p.region_id ORDER BY p.code`,
    );
    return rows.map((r) => ({ code: r.code, name: r.name, nameJa: r.name_ja, regionId: r.region_id, regionName: r.region_name }));
  }

  async listOrganisationTypes(): Promise<OrganisationTypeView[]> {
    const rows = await this.dataSource.getRepository(OrganisationTypeEntity).find({ order: { sortOrder: 'ASC', code: 'ASC' } });
    return rows.map((t) => ({ code: t.code, name: t.name }));
  }

  async listOrganisations(filter: PageRequest & { typeCode?: string; prefecture?: number; name?: string }): Promise<Page<OrganisationView>> {
    const where = new SqlWhere();
    if (filter.typeCode) where.add((p) => `type_code = ${p(filter.typeCode)}`);
    if (filter.prefecture !== undefined) where.add((p) => `prefecture_code = ${p(filter.prefecture)}`);
    if (filter.name) where.add((p) => `name ILIKE ${p(`%${filter.name}%`)}`);
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM organisations ${where.sql}`, where.params);
    const { pageSize, offset } = pageWindow(filter);
    const rows = await this.dataSource.query(
      `SELECT id, name, type_code, prefecture_code, created_at FROM organisations ${where.sql} ORDER BY name, id LIMIT ${where.next(pageSize)} OFFSET ${where.next(offset)}`,
      where.params,
    );
    return toPage(rows.map(organisationView), n, filter);
  }

  async getOrganisation(id: string): Promise<OrganisationView> {
    const row = await this.dataSource.getRepository(OrganisationEntity).findOne({ where: { id } });
    if (!row) throw new SchedulingNotFoundError(`organisation ${id} does not exist`);
    return { id: row.id, name: row.name, typeCode: row.typeCode, prefectureCode: row.prefectureCode, createdAt: row.createdAt };
  }

  async createOrganisation(input: OrganisationInput, actor: string): Promise<OrganisationView> {
    const id = await this.dataSource.transaction(async (m) => {
      await this.requireType(m, input.typeCode);
      if (input.prefectureCode != null) await this.requirePrefecture(m, input.prefectureCode);
      const saved = await m.save(OrganisationEntity, m.create(OrganisationEntity, { ...input, prefectureCode: input.prefectureCode ?? null }));
      await this.audit.record({ actor, action: 'organisation.create', subjectType: 'organisation', subjectId: saved.id, details: { ...input } }, m);
      return saved.id;
    });
    return this.getOrganisation(id);
  }

  async listVenues(filter: PageRequest & { prefecture?: number; region?: string }): Promise<Page<VenueView>> {
    const where = new SqlWhere();
    if (filter.prefecture !== undefined) where.add((p) => `v.prefecture_code = ${p(filter.prefecture)}`);
    if (filter.region) where.add((p) => `(r.id::text = ${p(filter.region)} OR r.code = ${p(filter.region)})`);
    const from = `FROM venues v JOIN prefectures p ON p.code = v.prefecture_code JOIN regions r ON r.id = p.region_id`;
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n ${from} ${where.sql}`, where.params);
    const { pageSize, offset } = pageWindow(filter);
    const rows = await this.dataSource.query(
      `SELECT v.*, p.name AS prefecture_name ${from} ${where.sql} ORDER BY v.prefecture_code, v.name LIMIT ${where.next(pageSize)} OFFSET ${where.next(offset)}`,
      where.params,
    );
    return toPage(rows.map(venueView), n, filter);
  }

  async getVenue(id: string, manager: EntityManager = this.dataSource.manager): Promise<VenueView> {
    const [row] = await manager.query(
      `SELECT v.*, p.name AS prefecture_name FROM venues v JOIN prefectures p ON p.code = v.prefecture_code WHERE v.id = $1`,
      [id],
    );
    if (!row) throw new SchedulingNotFoundError(`venue ${id} does not exist`);
    return venueView(row);
  }

  async createVenue(input: Required<VenueInput>, actor: string): Promise<VenueView> {
    const id = await this.dataSource.transaction(async (m) => {
      await this.requirePrefecture(m, input.prefectureCode);
      const saved = await m.save(VenueEntity, m.create(VenueEntity, input));
      await this.audit.record({ actor, action: 'venue.create', subjectType: 'venue', subjectId: saved.id, details: { ...input } }, m);
      return saved.id;
    });
    return this.getVenue(id);
  }

  async updateVenue(id: string, input: VenueInput, actor: string): Promise<VenueView> {
    await this.dataSource.transaction(async (m) => {
      const venue = await m.findOne(VenueEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!venue) throw new SchedulingNotFoundError(`venue ${id} does not exist`);
      if (input.prefectureCode !== undefined) await this.requirePrefecture(m, input.prefectureCode);
      const next = { ...venue, ...input };
      // Live sessions must still fit the venue after the change.
      const live: Array<{ id: string; seats: number; team_size: number; prefecture_code: number }> = await m.query(
        `SELECT id, seats, team_size, prefecture_code FROM sessions WHERE venue_id = $1 AND status NOT IN ('cancelled', 'finished')`,
        [id],
      );
      for (const s of live) {
        if (s.seats > next.seatCapacity) throw new SchedulingRuleError(`session ${s.id} has ${s.seats} seats; the venue would have only ${next.seatCapacity}`);
        if (maxTeams(s.seats, s.team_size) > next.rangeHostCapacity) {
          throw new SchedulingRuleError(`session ${s.id} needs up to ${maxTeams(s.seats, s.team_size)} team ranges; the range host would run only ${next.rangeHostCapacity}`);
        }
        if (next.prefectureCode !== s.prefecture_code) throw new SchedulingRuleError(`session ${s.id} is booked at this venue; its prefecture cannot change`);
      }
      await m.update(VenueEntity, { id }, input);
      await this.audit.record({ actor, action: 'venue.update', subjectType: 'venue', subjectId: id, details: { ...input } }, m);
    });
    return this.getVenue(id);
  }

  private async requireType(m: EntityManager, code: string): Promise<void> {
    if (!(await m.exists(OrganisationTypeEntity, { where: { code } }))) throw new SchedulingNotFoundError(`organisation type ${code} does not exist`);
  }

  private async requirePrefecture(m: EntityManager, code: number): Promise<void> {
    if (!(await m.exists(PrefectureEntity, { where: { code } }))) throw new SchedulingNotFoundError(`prefecture ${code} does not exist (1-47)`);
  }
}

function organisationView(r: { id: string; name: string; type_code: string; prefecture_code: number | null; created_at: Date }): OrganisationView {
  return { id: r.id, name: r.name, typeCode: r.type_code, prefectureCode: r.prefecture_code, createdAt: r.created_at };
}

function venueView(r: Record<string, any>): VenueView {
  return {
    id: r.id,
    name: r.name,
    prefectureCode: r.prefecture_code,
    prefectureName: r.prefecture_name,
    city: r.city,
    seatCapacity: r.seat_capacity,
    rangeHostCapacity: r.range_host_capacity,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
