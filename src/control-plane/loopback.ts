import { BlockList, isIP } from 'node:net';

/**
 * Loopback as node's own `net.BlockList` knows it (node:net, no dependency): `127.0.0.0/8` and
 * `::1`, in any spelling the address parser accepts (`0:0:0:0:0:0:0:1`, IPv4-mapped
 * `::ffff:127.0.0.1`). It replaces a hand-written prefix check that had to think of each
 * spelling itself.
 */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * True for hosts only this machine can reach: `localhost`, `127.0.0.0/8`, `::1` (also in
 * brackets or IPv4-mapped). `0.0.0.0`, `::` and every other address are reachable from outside.
 *
 * @example
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');   // false
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === 'localhost') return true;
  const family = isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 6 ? 'ipv6' : 'ipv4');
}
