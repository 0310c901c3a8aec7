// TCP_KEEPIDLE goes through the Node backend to the real socket (Node's
// setKeepAlive(true, initialDelay)): the kernel's keep-alive timer of the
// guest's connection, read with ss(8), counts down from the guest's idle
// time, not Linux's default of two hours. Set before connect() (applied when
// the connection is made) and on the live connection.

import { execFileSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { start, waitForOutput } from './helpers/programs.js';

/** Seconds left on the keep-alive timer of the established connection to 127.0.0.1:port, or null. */
function keepaliveTimer(port: number): number | null {
  const out = execFileSync('ss', ['-tnoH', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  const m = /timer:\(keepalive,(?:(\d+)min)?(?:([\d.]+)sec)?(?:(\d+)ms)?/.exec(out);
  if (!m) return null;
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 1000;
}

describe('TCP_KEEPIDLE on the Node backend', () => {
  for (const when of ['before', 'after'] as const) {
    it(`set ${when} connect(): the connection's keep-alive timer starts at the guest's idle time`, async () => {
      let peer: Socket | undefined;
      const server = createServer((s) => (peer = s));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as { port: number }).port;
      const guest = start('wasm', 'wasm_keepidle', [String(port), '30', when]);
      await waitForOutput(guest, 'keep-alive on, idle 30 s\n');
      // The timer is set by the time the guest has printed: its options are control calls with replies.
      const left = keepaliveTimer(port);
      peer?.end();
      server.close();
      const done = await guest.done;
      expect({ code: done.code, stdout: done.stdout, stderr: done.stderr }).toEqual({ code: 0, stdout: 'keep-alive on, idle 30 s\nclosed\n', stderr: '' });
      expect(left).not.toBeNull();
      expect(left!).toBeGreaterThan(20);
      expect(left!).toBeLessThanOrEqual(30);
    });
  }
});
