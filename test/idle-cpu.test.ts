// A guest blocked in select()/poll() sleeps: the I/O thread and the guest's
// thread wait on futexes, not in a loop. Measured as the CPU time the whole
// `node host/run.js` process uses while the chat server waits for clients.

import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { freePort, start, waitForBound } from './helpers/programs.js';

const CLOCK_TICKS = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/PID/stat: utime and stime of all threads, in ticks.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

it('a guest blocked in select() uses almost no CPU', async () => {
  const port = await freePort();
  const server = start('wasm', 'chat_server', [String(port)], { timeoutMs: 30_000 });
  let exited = false;
  void server.done.then(() => (exited = true));
  try {
    await waitForBound(port, 'tcp', 10_000, () => !exited);
    // Let start-up (compilation, worker launch) finish before measuring.
    await new Promise((r) => setTimeout(r, 500));
    const before = cpuSeconds(server.child.pid!);
    await new Promise((r) => setTimeout(r, 2000));
    const used = cpuSeconds(server.child.pid!) - before;
    // Busy-waiting would use ~2 s (a whole core); a sleeping guest ~0.
    expect(used).toBeLessThan(0.2);
  } finally {
    server.child.kill('SIGTERM');
    await server.done;
  }
});
