import { formatIpv4, parseCidr, parseIpv4, SubnetPool, SubnetPoolExhaustedError } from './subnet-pool.js';

describe('SubnetPool: the configured pool cut into equal subnets', () => {
  it('cuts 10.210.0.0/16 into 1024 /26 subnets, in address order', () => {
    const pool = new SubnetPool('10.210.0.0/16', 26);
    expect(pool.size).toBe(1024);
    expect(pool.subnet(0)).toBe('10.210.0.0/26');
    expect(pool.subnet(1)).toBe('10.210.0.64/26');
    expect(pool.subnet(4)).toBe('10.210.1.0/26');
    expect(pool.subnet(1023)).toBe('10.210.255.192/26');
    expect(() => pool.subnet(1024)).toThrow(/outside the pool/);
  });

  it('maps a subnet back to its slot, and refuses foreign or differently sized ones', () => {
    const pool = new SubnetPool('10.210.0.0/16', 26);
    expect(pool.slotOf('10.210.1.64/26')).toBe(5);
    expect(pool.slotOf('10.211.0.0/26')).toBeNull();
    expect(pool.slotOf('10.210.0.0/24')).toBeNull();
  });

  it('picks the lowest free subnets, reusing released ones first', () => {
    const pool = new SubnetPool('10.210.0.0/16', 26);
    expect(pool.pickFree([], 2)).toEqual(['10.210.0.0/26', '10.210.0.64/26']);
    expect(pool.pickFree(['10.210.0.0/26', '10.210.0.128/26'], 2)).toEqual(['10.210.0.64/26', '10.210.0.192/26']);
  });

  it('reports exhaustion with the numbers', () => {
    const pool = new SubnetPool('192.168.0.0/24', 26);
    expect(pool.size).toBe(4);
    expect(() => pool.pickFree(['192.168.0.0/26', '192.168.0.64/26', '192.168.0.128/26'], 2)).toThrow(SubnetPoolExhaustedError);
    expect(() => pool.pickFree(['192.168.0.0/26', '192.168.0.64/26', '192.168.0.128/26'], 2)).toThrow(/has 1 free \/26 subnets, 2 needed/);
  });

  it('refuses a misaligned pool and a prefix that does not fit', () => {
    expect(() => new SubnetPool('10.210.0.1/16', 26)).toThrow(/not aligned/);
    expect(() => new SubnetPool('10.210.0.0/16', 12)).toThrow(/does not fit/);
    expect(() => parseCidr('10.210.0.0')).toThrow(/not an IPv4 CIDR/);
  });

  it('converts addresses both ways, including the top bit', () => {
    expect(parseIpv4('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(formatIpv4(parseIpv4('192.168.10.200'))).toBe('192.168.10.200');
    expect(() => parseIpv4('10.0.0.256')).toThrow();
  });
});

describe('SubnetPool.pickFree with networks of other sizes', () => {
  it('skips every slot a larger or smaller foreign network overlaps', () => {
    const pool = new SubnetPool('10.210.0.0/16', 26);
    expect(pool.slotsOverlapping('10.210.0.64/26')).toEqual([1]);
    expect(pool.slotsOverlapping('10.210.0.0/24')).toEqual([0, 1, 2, 3]);
    expect(pool.slotsOverlapping('10.210.1.8/29')).toEqual([4]);
    expect(pool.slotsOverlapping('172.17.0.0/16')).toEqual([]);
    expect(pool.slotsOverlapping('10.0.0.0/8')).toHaveLength(1024);
    expect(pool.pickFree(['10.210.0.0/24', '10.210.1.0/29', 'not-a-cidr'], 2)).toEqual(['10.210.1.64/26', '10.210.1.128/26']);
  });
});
