// The wasock guest ABI (docs/abi.md): socket type and family codes and the
// byte layouts of addr, addr_info and hints. The C side keeps the same facts
// in c-src/libsock/src/wasock_abi.h; test/abi-layout.test.ts compares them.

import type { SockAddr } from '../net/addr.js';
import { formatIp, parseIp } from '../net/addr.js';

export const SOCKTYPE = { DGRAM: 0, STREAM: 1, ANY: -1 } as const;
export const FAMILY = { INET4: 0, INET6: 1, UNSPEC: 2 } as const;
export const ADDR_KIND = { IPV4: 0, IPV6: 1 } as const;

export const ADDR = { size: 24, align: 4, kind: 0, ip4: 4, ip4Port: 8, ip6: 4, ip6Port: 20 } as const;
export const ADDR_INFO = { size: 28, addr: 0, type: 24 } as const;
export const HINTS = { size: 12, type: 0, family: 4, enabled: 8 } as const;
/** An IP address without a port (sock_set_ip_add/drop_membership's group): kind, then the address as in `addr`. */
export const IP_RECORD = { size: 20, kind: 0, ip4: 4, ip6: 4 } as const;
/** sock_set/get_ip_multicast_loop's middle argument. */
export const MULTICAST_LOOP_IPV6 = 1;

export type SockType = 'stream' | 'dgram';

/** Reads an ABI `addr` at `ptr`; null when the kind is neither IPv4 nor IPv6. */
export function readAddr(view: DataView, ptr: number): SockAddr | null {
  const kind = view.getUint32(ptr + ADDR.kind, true);
  if (kind === ADDR_KIND.IPV4) {
    const bytes = new Uint8Array(view.buffer, view.byteOffset + ptr + ADDR.ip4, 4).slice();
    return { family: 4, ip: formatIp(bytes), port: view.getUint16(ptr + ADDR.ip4Port, true) };
  }
  if (kind === ADDR_KIND.IPV6) {
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 8; i++) {
      const group = view.getUint16(ptr + ADDR.ip6 + 2 * i, true);
      bytes[2 * i] = group >> 8;
      bytes[2 * i + 1] = group & 0xff;
    }
    return { family: 6, ip: formatIp(bytes), port: view.getUint16(ptr + ADDR.ip6Port, true) };
  }
  return null;
}

/** Writes `addr` as an ABI `addr` (24 bytes, zero padded) at `ptr`. */
export function writeAddr(view: DataView, ptr: number, addr: SockAddr): void {
  for (let i = 0; i < ADDR.size; i += 4) view.setUint32(ptr + i, 0, true);
  const parsed = parseIp(addr.ip);
  if (!parsed) throw new Error(`not an IP address: ${addr.ip}`);
  if (parsed.family === 4) {
    view.setUint32(ptr + ADDR.kind, ADDR_KIND.IPV4, true);
    for (let i = 0; i < 4; i++) view.setUint8(ptr + ADDR.ip4 + i, parsed.bytes[i]);
    view.setUint16(ptr + ADDR.ip4Port, addr.port, true);
  } else {
    view.setUint32(ptr + ADDR.kind, ADDR_KIND.IPV6, true);
    for (let i = 0; i < 8; i++) {
      view.setUint16(ptr + ADDR.ip6 + 2 * i, (parsed.bytes[2 * i] << 8) | parsed.bytes[2 * i + 1], true);
    }
    view.setUint16(ptr + ADDR.ip6Port, addr.port, true);
  }
}

/** Reads an ABI IP record (no port) at `ptr`; null when the kind is neither IPv4 nor IPv6. */
export function readIpRecord(view: DataView, ptr: number): { family: 4 | 6; ip: string } | null {
  const kind = view.getUint32(ptr + IP_RECORD.kind, true);
  if (kind === ADDR_KIND.IPV4) return { family: 4, ip: formatIp(new Uint8Array(view.buffer, view.byteOffset + ptr + IP_RECORD.ip4, 4).slice()) };
  if (kind !== ADDR_KIND.IPV6) return null;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const group = view.getUint16(ptr + IP_RECORD.ip6 + 2 * i, true);
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  }
  return { family: 6, ip: formatIp(bytes) };
}

/** An IPv4 address passed as a u32 in network order (ip_mreq.imr_interface.s_addr) → text. */
export function ip4FromNetworkU32(value: number): string {
  const v = value >>> 0;
  return `${v & 0xff}.${(v >>> 8) & 0xff}.${(v >>> 16) & 0xff}.${v >>> 24}`;
}
