// Name resolution on the virtual network: there is no DNS, only `localhost`
// (like an /etc/hosts with its two loopback lines). A numeric address is
// returned as is, whatever the family asked, as the node backend's lookup
// does; any other name is unknown.

import { canonicalIp, parseIp, type SockAddr } from '../addr.js';
import { NetError } from '../backend.js';
import { E } from '../../abi/errno.js';
import { LOOPBACK_V4, LOOPBACK_V6 } from './addresses.js';

export function resolveVirtual(host: string, family: 0 | 4 | 6): SockAddr[] {
  const numeric = canonicalIp(host);
  if (numeric !== null) return [{ family: parseIp(numeric)!.family, ip: numeric, port: 0 }];
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost') {
    const found: SockAddr[] = [];
    if (family !== 6) found.push({ family: 4, ip: LOOPBACK_V4, port: 0 });
    if (family !== 4) found.push({ family: 6, ip: LOOPBACK_V6, port: 0 });
    return found;
  }
  throw new NetError(E.NOENT, `unknown host ${host} (the in-page network knows only localhost)`);
}

/** The one name the in-page network knows, the other way round. */
export function reverseVirtual(ip: string): string | null {
  const numeric = canonicalIp(ip);
  return numeric === LOOPBACK_V4 || numeric === LOOPBACK_V6 ? 'localhost' : null;
}
