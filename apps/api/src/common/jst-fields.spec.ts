import 'reflect-metadata';
import { ApiInstantField, eventWithJst, instantFieldsOf, withJst } from './jst-fields.js';

class ThingDto {
  @ApiInstantField() createdAt!: Date;
  createdAtJst!: string;
  @ApiInstantField({ nullable: true }) closedAt!: string | null;
  closedAtJst!: string | null;
}

class BigThingDto extends ThingDto {
  @ApiInstantField({ nullable: true }) seenAt?: string | null;
  seenAtJst?: string | null;
}

describe('withJst', () => {
  it('puts the JST wall time beside every instant field, null beside null, nothing beside an absent one', () => {
    const dto = withJst(BigThingDto, { createdAt: new Date('2030-11-19T01:00:00Z'), closedAt: null });
    expect(dto).toBeInstanceOf(BigThingDto);
    expect({ ...dto }).toEqual({ createdAt: new Date('2030-11-19T01:00:00Z'), createdAtJst: '2030-11-19T10:00:00+09:00', closedAt: null, closedAtJst: null });
    expect(withJst(ThingDto, { createdAt: '2030-12-31T15:30:00.000Z', closedAt: '2030-11-19T08:00:00.000Z' })).toMatchObject({
      createdAtJst: '2031-01-01T00:30:00+09:00',
      closedAtJst: '2030-11-19T17:00:00+09:00',
    });
  });

  it('knows the instant fields of a class and of its parents, the parent unchanged', () => {
    expect(instantFieldsOf(BigThingDto)).toEqual(['createdAt', 'closedAt', 'seenAt']);
    expect(instantFieldsOf(ThingDto)).toEqual(['createdAt', 'closedAt']);
  });
});

describe('eventWithJst', () => {
  it("puts the JST wall time beside a live event's instant and beside the end of a team's extra time", () => {
    expect(eventWithJst({ type: 'message', at: '2030-11-19T02:30:00.000Z', data: { text: 'lunch' } })).toEqual({
      type: 'message',
      at: '2030-11-19T02:30:00.000Z',
      atJst: '2030-11-19T11:30:00+09:00',
      data: { text: 'lunch' },
    });
    expect(eventWithJst({ type: 'extension', at: '2030-11-19T02:30:00.000Z', data: { minutes: 10, endsAt: '2030-11-19T08:10:00.000Z' } }).data).toEqual({
      minutes: 10,
      endsAt: '2030-11-19T08:10:00.000Z',
      endsAtJst: '2030-11-19T17:10:00+09:00',
    });
  });
});
