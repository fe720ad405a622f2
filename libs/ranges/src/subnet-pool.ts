/** IPv4 CIDR arithmetic for cutting the configured pool into equal range subnets. */
export interface Cidr {
  base: number;
  prefix: number;
}

export function parseIpv4(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: "${address}"`);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) throw new Error(`not an IPv4 address: "${address}"`);
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function parseCidr(cidr: string): Cidr {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!address || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not an IPv4 CIDR: "${cidr}"`);
  const base = parseIpv4(address);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) throw new Error(`"${cidr}" is not aligned: its host bits are not zero`);
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  const outerSize = 2 ** (32 - outer.prefix);
  const innerSize = 2 ** (32 - inner.prefix);
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base + innerSize <= outer.base + outerSize;
}

/**
 * The pool (e.g. 10.210.0.0/16) cut into subnets of one prefix (e.g. /26):
 * slot i is the i-th subnet. Allocation takes the lowest free slots, so
 * released subnets are reused first and the pool never fragments.
 */
export class SubnetPool {
  readonly pool: Cidr;
  readonly prefix: number;
  readonly size: number;

  constructor(pool: string, prefix: number) {
    this.pool = parseCidr(pool);
    if (!Number.isInteger(prefix) || prefix < this.pool.prefix || prefix > 30) {
      throw new Error(`subnet prefix /${prefix} does not fit the pool ${pool} (must be between /${this.pool.prefix} and /30)`);
    }
    this.prefix = prefix;
    this.size = 2 ** (prefix - this.pool.prefix);
  }

  subnet(slot: number): string {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.size) throw new Error(`slot ${slot} is outside the pool`);
    return formatCidr({ base: this.pool.base + slot * 2 ** (32 - this.prefix), prefix: this.prefix });
  }

  /** Slot of a subnet of this pool, or null when it is not one. */
  slotOf(cidr: string): number | null {
    const parsed = parseCidr(cidr);
    if (parsed.prefix !== this.prefix || !cidrContains(this.pool, parsed)) return null;
    return (parsed.base - this.pool.base) / 2 ** (32 - this.prefix);
  }

  /** Every slot of the pool that a CIDR of any size overlaps (none when it lies outside the pool). */
  slotsOverlapping(cidr: string): number[] {
    let other: Cidr;
    try {
      other = parseCidr(cidr);
    } catch {
      return []; // not an aligned IPv4 CIDR: nothing of ours to avoid
    }
    const start = Math.max(other.base, this.pool.base);
    const end = Math.min(other.base + 2 ** (32 - other.prefix), this.pool.base + 2 ** (32 - this.pool.prefix)) - 1;
    if (start > end) return [];
    const block = 2 ** (32 - this.prefix);
    const first = Math.floor((start - this.pool.base) / block);
    const last = Math.floor((end - this.pool.base) / block);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }

  /** The `count` lowest subnets overlapping nothing in `used` (any sizes); throws when the pool is exhausted. */
  pickFree(used: Iterable<string>, count: number): string[] {
    const taken = new Set<number>();
    for (const cidr of used) for (const slot of this.slotsOverlapping(cidr)) taken.add(slot);
    const picked: string[] = [];
    for (let slot = 0; slot < this.size && picked.length < count; slot++) {
      if (!taken.has(slot)) picked.push(this.subnet(slot));
    }
    if (picked.length < count) {
      throw new SubnetPoolExhaustedError(`subnet pool ${formatCidr(this.pool)} has ${picked.length} free /${this.prefix} subnets, ${count} needed`);
    }
    return picked;
  }
}

export class SubnetPoolExhaustedError extends Error {
  override name = 'SubnetPoolExhaustedError';
}
