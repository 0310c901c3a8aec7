// wasock_addr_name: an address's host name, for gethostbyaddr and
// getnameinfo without NI_NUMERICHOST (wasock's own import, docs/abi.md).
// Loopback is named from the host's own tables (/etc/hosts in Node, as for
// a native program); any other address only when the network policy allows
// it, so a sandboxed guest cannot make DNS queries about addresses it could
// never reach (the same rule forward lookups follow).

import { E } from '../abi/errno.js';
import { ADDR, readAddr } from '../abi/sock.js';
import { parseIp } from '../net/addr.js';
import { GuestError, guarded } from './guest-memory.js';
import type { SocketContext } from './socket-imports.js';

export const REVERSE_IMPORT_NAMES = ['wasock_addr_name'] as const;

function isLoopback(ip: string): boolean {
  const parsed = parseIp(ip);
  if (!parsed) return false;
  if (parsed.family === 4) return parsed.bytes[0] === 127;
  return parsed.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

export function reverseImports(ctx: Pick<SocketContext, 'mem' | 'control' | 'policy'>): Record<string, (...args: never[]) => number> {
  const { mem } = ctx;
  return {
    /**
     * wasock_addr_name(*addr, *name_buf, buf_len, *name_len_out) -> errno:
     * the name (no NUL), cut at buf_len, its full length in name_len_out;
     * NOENT when the address has no name or the policy keeps it unasked.
     */
    wasock_addr_name: (addrPtr: number, buf: number, bufLen: number, lenOut: number) =>
      guarded(() => {
        mem.check(addrPtr, ADDR.size);
        mem.check(buf, bufLen >>> 0);
        mem.check(lenOut, 4);
        const addr = readAddr(mem.view(), addrPtr >>> 0);
        if (!addr) throw new GuestError(E.AFNOSUPPORT);
        if (!isLoopback(addr.ip) && !(ctx.policy.reachesBeyondLoopback() && ctx.policy.allowsHost(addr.ip))) return E.NOENT;
        const reply = ctx.control.call('reverse', { ip: addr.ip });
        if (reply.errno !== 0) return reply.errno;
        const name = new TextEncoder().encode(String(reply.name));
        const view = new Uint8Array(mem.view().buffer, buf >>> 0, Math.min(name.length, bufLen >>> 0));
        view.set(name.subarray(0, view.length));
        mem.u32(lenOut, name.length);
        return 0;
      }),
  };
}
