// The command-line options that let other runtimes' command lines run on
// wasock: WAMR's --addr-pool (mapped onto the network policy) and
// wasmtime's --tcplisten (listeners the host opens and hands to the guest).

import { formatSockAddr, parseIp, type SockAddr } from '../net/addr.js';
import { NetPolicy } from '../net/policy.js';

/**
 * WAMR's `--addr-pool=ADDR[/BITS],...` (IPv6 without brackets) as an
 * `--allow-net` list: each range on every port. Throws with the bad entry.
 */
export function allowNetFromAddrPool(pool: string): string {
  const entries = pool.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) throw new Error('--addr-pool: expected ADDR[/BITS],...');
  return entries
    .map((entry) => {
      const slash = entry.indexOf('/');
      const host = slash < 0 ? entry : entry.slice(0, slash);
      const bits = slash < 0 ? '' : entry.slice(slash);
      const ip = parseIp(host.replace(/^\[(.*)\]$/, '$1'));
      if (!ip) throw new Error(`--addr-pool entry ${JSON.stringify(entry)}: ${JSON.stringify(host)} is not an IP address`);
      return ip.family === 6 ? `[${host.replace(/^\[(.*)\]$/, '$1')}]${bits}` : `${host}${bits}`;
    })
    .join(',');
}

/** The policy from --allow-net and --addr-pool together: either widens it; both given, their union. */
export function policyFromArgs(allowNet: string | true | undefined, addrPool: string | undefined): NetPolicy {
  if (addrPool === undefined || allowNet === true) return NetPolicy.parse(allowNet);
  const pool = allowNetFromAddrPool(addrPool);
  try {
    return NetPolicy.parse(allowNet === undefined ? pool : `${allowNet},${pool}`);
  } catch (err) {
    throw new Error(`--addr-pool=${addrPool}: ${(err as Error).message}`);
  }
}

/** `HOST:PORT` or `[IPv6]:PORT` (`localhost` means 127.0.0.1), as wasmtime's --tcplisten takes it. */
export function parseListenAddress(spec: string): SockAddr {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(spec);
  const host = m ? (m[1] ?? m[2])! : '';
  const ip = host === 'localhost' ? parseIp('127.0.0.1') : parseIp(host);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !ip || !(port >= 0 && port <= 65535) || (m[1] !== undefined) !== (ip.family === 6)) {
    throw new Error(`--tcplisten ${spec}: expected HOST:PORT (an IPv4 address, [IPv6] or localhost, and a port)`);
  }
  return { family: ip.family, ip: host === 'localhost' ? '127.0.0.1' : host, port };
}

/**
 * The listeners to open for --tcplisten, each under the policy as a bind
 * is; a denied one throws with the policy's one-line explanation.
 */
export function listenersFromArgs(specs: string[], policy: NetPolicy): { requested: SockAddr; bind: SockAddr; anyAddr: string }[] {
  return specs.map((spec) => {
    const requested = parseListenAddress(spec);
    const denial = policy.check('bind', requested);
    if (denial !== null) throw new Error(denial.replace(/^wasock: /, `--tcplisten ${formatSockAddr(requested)}: `));
    const any = policy.narrowBind({ family: requested.family, ip: requested.family === 6 ? '::' : '0.0.0.0', port: 0 });
    return { requested, bind: policy.narrowBind(requested), anyAddr: any.ip };
  });
}
