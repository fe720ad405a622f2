import type { ContainerRuntime } from '@app/docker';

const toInt = (ip: string) => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
const toIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

function range(cidr: string): [number, number] {
  const [ip, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  const start = toInt(ip!) - (toInt(ip!) % size);
  return [start, start + size - 1];
}

/**
 * `count` IPv4 subnets of /`prefix` inside `pool` that overlap no network the
 * engine has now (other instances share this engine), for tests that create
 * networks without the provisioner's allocator.
 */
export async function freeSubnets(engine: ContainerRuntime, count: number, prefix = 27, pool = '10.254.128.0/17'): Promise<string[]> {
  const taken = (await engine.engineSubnets()).filter((s) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s)).map(range);
  const [first, last] = range(pool);
  const size = 2 ** (32 - prefix);
  const out: string[] = [];
  for (let start = first; start + size - 1 <= last && out.length < count; start += size) {
    const end = start + size - 1;
    if (!taken.some(([a, b]) => start <= b && a <= end)) out.push(`${toIp(start)}/${prefix}`);
  }
  if (out.length < count) throw new Error(`no ${count} free /${prefix} subnets left in ${pool}`);
  return out;
}
