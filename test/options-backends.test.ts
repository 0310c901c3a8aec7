// The relay and the in-page network answer the same option imports as the
// Node backend (issue #11): the option conformance programs print there
// what they print natively. (Multicast joins, which neither routes, are
// covered in test/multicast.test.ts.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualNetwork } from '../host/src/net/virtual/network.js';
import type { RelayServer } from '../host/src/relay/server.js';
import type { NetBackend } from '../host/src/net/backend.js';
import { startGuest } from './helpers/in-process-guest.js';
import { assertBuilt, run } from './helpers/programs.js';
import { openBackend, startRelay } from './helpers/relay.js';

const PROGRAMS = ['sockopt_tcp_keepalive', 'sockopt_tcp_flags', 'sockopt_multicast', 'wamr_abi'];

describe('option imports on the relay and the in-page network', () => {
  let relay: RelayServer;
  const native = new Map<string, string>();

  beforeAll(async () => {
    relay = await startRelay();
    for (const name of PROGRAMS) {
      assertBuilt(name);
      const r = await run('native', name, []);
      expect(r.code, r.stdout).toBe(0);
      native.set(name, r.stdout);
    }
  }, 60_000);

  afterAll(async () => {
    await relay?.close();
  });

  const backends: [string, () => Promise<NetBackend & { close?: () => void }>][] = [
    ['in-page network', async () => new VirtualNetwork().backend()],
    ['relay', () => openBackend(relay)],
  ];

  for (const [where, open] of backends) {
    for (const name of PROGRAMS) {
      it(`${name} on the ${where} prints what it prints natively`, async () => {
        const backend = await open();
        const guest = startGuest(backend, name, []);
        const outcome = await guest.outcome;
        backend.close?.();
        expect({ outcome, stdout: guest.stdout(), stderr: guest.stderr() }).toEqual({
          outcome: { kind: 'exit', code: 0 },
          stdout: native.get(name),
          stderr: '',
        });
      });
    }
  }
});
