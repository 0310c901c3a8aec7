// Runs a built wasm program in this test process with a chosen backend
// (virtual network, relay), capturing its output: what `node host/run.js`
// cannot do, since its backend is always the node one.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { startNodeGuest } from '../../host/src/io/node-guest.js';
import type { NetBackend } from '../../host/src/net/backend.js';
import { NetPolicy } from '../../host/src/net/policy.js';
import type { GuestOutcome } from '../../host/src/wasi/guest.js';
import type { HostEmulation } from '../../host/src/wasi/socket-imports.js';
import { ROOT } from './programs.js';

export const GUEST_WORKER = join(ROOT, 'build', 'host', 'guest-worker.js');

export interface GuestRun {
  outcome: Promise<GuestOutcome>;
  stdout(): string;
  stderr(): string;
  /** Settles once stdout contains `text`; rejects if the program ends first. */
  printed(text: string): Promise<void>;
}

/** Starts build/wasm/NAME.wasm; killed after 20 s. maxSockets is small: tests run dozens of guests. */
export function startGuest(
  backend: NetBackend,
  name: string,
  args: string[],
  maxSockets = 16,
  extra: { policy?: NetPolicy; emulate?: HostEmulation } = {},
): GuestRun {
  const out = { 1: '', 2: '' };
  const waiters: (() => void)[] = [];
  const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
  const guest = startNodeGuest({
    module: new WebAssembly.Module(readFileSync(join(ROOT, 'build', 'wasm', `${name}.wasm`))),
    args: [name, ...args],
    env: [],
    policy: extra.policy ?? NetPolicy.parse(undefined),
    emulate: extra.emulate,
    trace: false,
    dirs: [],
    maxSockets,
    backend,
    stdin: Readable.from([]),
    tty: { stdin: false, stdout: false, stderr: false },
    workerUrl: pathToFileURL(GUEST_WORKER),
    output: (fd, bytes) => {
      out[fd] += decoders[fd].decode(bytes, { stream: true });
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const timeout = setTimeout(() => void guest.kill(), 20_000);
  const outcome = guest.outcome.finally(() => clearTimeout(timeout));
  return {
    outcome,
    stdout: () => out[1],
    stderr: () => out[2],
    printed(text) {
      return new Promise((resolve, reject) => {
        void outcome.then((o) => reject(new Error(`${name} ended (${JSON.stringify(o)}) without printing ${JSON.stringify(text)}; stdout: ${out[1]} stderr: ${out[2]}`)));
        const check = () => (out[1].includes(text) ? resolve() : waiters.push(check));
        check();
      });
    },
  };
}
