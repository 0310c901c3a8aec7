// Signals (issue #15): the programs c-src/tests/signal_*.c, built natively
// and as wasm, print the same and end the same, as a shell sees it (a
// program killed by signal N counts as exit status 128 + N, which is what
// run.js exits with). SIGINT is sent to the running program, run.js itself
// for the wasm build, once it says it is ready.

import { constants } from 'node:os';
import { describe, expect, it, beforeAll } from 'vitest';
import { assertBuilt, run, start, waitForOutput, type Build, type Finished } from './helpers/programs.js';

const TIMEOUT_MS = 30_000;

/** Exit status as a shell reports it. */
function status(f: Finished): number | null {
  if (f.code !== null) return f.code;
  return f.signal ? 128 + constants.signals[f.signal] : null;
}

async function both(name: string, args: string[]): Promise<Record<Build, Finished>> {
  const [native, wasm] = await Promise.all([run('native', name, args), run('wasm', name, args)]);
  return { native, wasm };
}

beforeAll(() => {
  for (const name of ['signal_alarm_read', 'signal_itimer', 'signal_sigint', 'signal_sigpipe']) assertBuilt(name);
});

describe('signals: wasm as native', () => {
  for (const name of ['signal_alarm_read', 'signal_itimer']) {
    it(name, async () => {
      const r = await both(name, []);
      expect(r.wasm.stderr).toBe('');
      expect(r.wasm.stdout).toBe(r.native.stdout);
      expect(status(r.wasm)).toBe(status(r.native));
      expect(status(r.native)).toBe(0);
    }, TIMEOUT_MS);
  }

  for (const via of ['socket', 'pipe']) {
    for (const mode of ['default', 'ignore', 'handler']) {
      it(`SIGPIPE ${mode} (${via})`, async () => {
        const r = await both('signal_sigpipe', [mode, via]);
        expect(r.wasm.stdout).toBe(r.native.stdout);
        expect(status(r.wasm)).toBe(status(r.native));
        if (mode === 'default') {
          expect(r.native.signal).toBe('SIGPIPE');
          expect(r.wasm.code).toBe(141);
          // Quietly, as a shell shows a program killed by SIGPIPE.
          expect(r.wasm.stderr).toBe('');
        } else {
          expect(r.wasm.stdout).toContain('write fails with: EPIPE');
          expect(status(r.native)).toBe(0);
        }
      }, TIMEOUT_MS);
    }
  }

  for (const mode of ['handle', 'default']) {
    it(`SIGINT sent to the program (${mode})`, async () => {
      const ended: Partial<Record<Build, Finished>> = {};
      await Promise.all((['native', 'wasm'] as const).map(async (build) => {
        const p = start(build, 'signal_sigint', [mode]);
        await waitForOutput(p, 'ready\n');
        // The wasm program is in pause() by now or soon: a signal before it gets there still counts.
        await new Promise((r) => setTimeout(r, 200));
        p.child.kill('SIGINT');
        ended[build] = await p.done;
      }));
      const { native, wasm } = ended as Record<Build, Finished>;
      expect(wasm.stdout).toBe(native.stdout);
      expect(status(wasm)).toBe(status(native));
      if (mode === 'handle') {
        expect(native.code).toBe(3);
        expect(wasm.stdout).toContain('pause: -1 (EINTR), handler got signal 2');
      } else {
        expect(native.signal).toBe('SIGINT');
        expect(wasm.code).toBe(130);
      }
    }, TIMEOUT_MS);
  }
});
