// Where an address lands on the virtual network. There is one interface, the
// loopback: every 127.0.0.0/8 address and ::1 are local, and nothing else
// exists. IPv4-mapped addresses (::ffff:127.0.0.1) reach the IPv4 host, as on
// a dual-stack kernel.
//
// A *host* is the canonical text of a local address in its own family:
// '127.0.0.1', '127.0.0.2', … or '::1'. A *binding* is the set of hosts a
// socket bound to: one host, or every host of one or both families.

import { formatIp, ipv4MappedToV4, parseIp, type IpFamily, type SockAddr } from '../addr.js';

export type Host = string;

export const LOOPBACK_V4: Host = '127.0.0.1';
export const LOOPBACK_V6: Host = '::1';

export type Place =
  /** 0.0.0.0, :: or ::ffff:0.0.0.0: every local host (`v6` false when only IPv4 ones). */
  | { kind: 'any'; v4: boolean; v6: boolean }
  | { kind: 'local'; host: Host }
  /** Not on this network (or not an address at all). */
  | { kind: 'elsewhere' };

export function isV6Host(host: Host): boolean {
  return host.includes(':');
}

/** Classifies an address as the network sees it. */
export function place(ip: string): Place {
  const parsed = parseIp(ip);
  if (parsed === null) return { kind: 'elsewhere' };
  const bytes = ipv4MappedToV4(parsed.bytes);
  if (bytes.every((b) => b === 0)) {
    // `::` is both families (unless the socket is IPv6-only); the mapped
    // unspecified address and 0.0.0.0 are IPv4 only.
    return bytes.length === 16 ? { kind: 'any', v4: true, v6: true } : { kind: 'any', v4: true, v6: false };
  }
  if (bytes.length === 4) return bytes[0] === 127 ? { kind: 'local', host: formatIp(bytes) } : { kind: 'elsewhere' };
  const isLoopback6 = bytes.subarray(0, 15).every((b) => b === 0) && bytes[15] === 1;
  return isLoopback6 ? { kind: 'local', host: LOOPBACK_V6 } : { kind: 'elsewhere' };
}

/**
 * The host a packet to `ip` reaches: a local host, or (for a destination
 * of 0.0.0.0 / ::, as on Linux) the family's main loopback address. Null
 * when the destination is not on this network.
 */
export function destinationHost(ip: string): Host | null {
  const p = place(ip);
  if (p.kind === 'local') return p.host;
  if (p.kind === 'any') return p.v6 ? LOOPBACK_V6 : LOOPBACK_V4;
  return null;
}

/** The source address chosen for traffic to `to`: the loopback route's 127.0.0.1 or ::1. */
export function sourceHostFor(to: Host): Host {
  return isV6Host(to) ? LOOPBACK_V6 : LOOPBACK_V4;
}

/** A host as a socket of `family` sees it: IPv4 hosts appear IPv4-mapped to IPv6 sockets. */
export function presentHost(host: Host, family: IpFamily, port: number): SockAddr {
  if (family === 6 && !isV6Host(host)) return { family: 6, ip: `::ffff:${host}`, port };
  return { family: isV6Host(host) ? 6 : 4, ip: host, port };
}

/** The hosts one bound socket answers for. */
export interface Binding {
  /** A single host, or null for every host of the families below. */
  host: Host | null;
  v4: boolean;
  v6: boolean;
}

/**
 * The binding for a bind to `ip`, or null when `ip` is not local (the bind
 * fails with EADDRNOTAVAIL). `ipv6Only` narrows `::` to IPv6 and forbids
 * IPv4-mapped addresses.
 */
export function bindingFor(ip: string, ipv6Only: boolean): Binding | null {
  const p = place(ip);
  if (p.kind === 'elsewhere') return null;
  if (p.kind === 'any') {
    if (ipv6Only && !p.v6) return null;
    return { host: null, v4: p.v4 && !ipv6Only, v6: p.v6 };
  }
  const v6 = isV6Host(p.host);
  // ::ffff:127.0.0.1 on an IPv6-only socket names nothing it can use.
  if (ipv6Only && !v6) return null;
  return { host: p.host, v4: !v6, v6 };
}

/** True when `host` is one of the binding's hosts. */
export function covers(binding: Binding, host: Host): boolean {
  if (binding.host !== null) return binding.host === host;
  return isV6Host(host) ? binding.v6 : binding.v4;
}

/** True when two bindings share a host (and so cannot share a port without reuse). */
export function overlaps(a: Binding, b: Binding): boolean {
  if (a.host !== null && b.host !== null) return a.host === b.host;
  if (a.host !== null) return covers(b, a.host);
  if (b.host !== null) return covers(a, b.host);
  return (a.v4 && b.v4) || (a.v6 && b.v6);
}
