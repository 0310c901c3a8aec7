// Multicast group membership (issue #11) under the network policy: refused
// by default like any address outside loopback (joins and sends to a group),
// real over node:dgram when the policy allows the group (compared to the
// native build; on the loopback interface, which sends no IGMP), and ENOTSUP
// on the in-page network, which routes no multicast. No multicast datagram
// is ever sent: the one sendto is tried only where the policy refuses it.

import { describe, expect, it } from 'vitest';
import { NetPolicy } from '../host/src/net/policy.js';
import { VirtualNetwork } from '../host/src/net/virtual/network.js';
import { startGuest } from './helpers/in-process-guest.js';
import { assertBuilt, run } from './helpers/programs.js';

const NAME = 'wasm_multicast_policy';
const ALLOW_GROUP = '127.0.0.0/8,239.255.0.1';

describe('multicast membership', () => {
  it('the default policy refuses joining a group and sending to it (EACCES, one line each)', async () => {
    assertBuilt(NAME);
    const r = await run('wasm', NAME, ['send']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'join 239.255.0.1: -1 EACCES\njoin 239.255.0.1 again: -1 EACCES\n' +
        'leave 239.255.0.1: -1 EADDRNOTAVAIL\nleave 239.255.0.1 again: -1 EADDRNOTAVAIL\n' +
        'join 239.255.0.1 on 0.0.0.1: -1 EACCES\nsendto 239.255.0.1:9: -1 EACCES\n',
    );
    const denial = 'wasock: join of multicast group 239.255.0.1 denied by the network policy (allow it with --allow-net=127.0.0.0/8,[::1],239.255.0.1)\n';
    expect(r.stderr).toBe(
      denial.repeat(3) + 'wasock: sendto 239.255.0.1:9 denied by the network policy (allow it with --allow-net=127.0.0.0/8,[::1],239.255.0.1:9)\n',
    );
  });

  it('with the group allowed, joins and leaves go to the kernel over node:dgram: wasm prints what native prints', async () => {
    const [native, wasm] = await Promise.all([run('native', NAME, []), run('wasm', NAME, [], { hostOptions: [`--allow-net=${ALLOW_GROUP}`] })]);
    expect(native.code).toBe(0);
    // The kernel's own answers: a second join EADDRINUSE, an interface address no device has ENODEV (0.0.0.1: never a host's, so nothing is reached).
    expect(native.stdout).toContain('join 239.255.0.1: 0\njoin 239.255.0.1 again: -1 EADDRINUSE\n');
    expect(native.stdout).toContain('join 239.255.0.1 on 0.0.0.1: -1 ENODEV\n');
    expect({ code: wasm.code, stdout: wasm.stdout, stderr: wasm.stderr }).toEqual({ code: 0, stdout: native.stdout, stderr: '' });
  });

  it('the in-page network routes no multicast: an allowed join answers EOPNOTSUPP (documented in docs/abi.md)', async () => {
    const guest = startGuest(new VirtualNetwork().backend(), NAME, [], 16, { policy: NetPolicy.parse(ALLOW_GROUP) });
    expect(await guest.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(guest.stdout()).toBe(
      'join 239.255.0.1: -1 EOPNOTSUPP\njoin 239.255.0.1 again: -1 EOPNOTSUPP\n' +
        'leave 239.255.0.1: -1 EADDRNOTAVAIL\nleave 239.255.0.1 again: -1 EADDRNOTAVAIL\n' +
        'join 239.255.0.1 on 0.0.0.1: -1 EOPNOTSUPP\n',
    );
  });
});
