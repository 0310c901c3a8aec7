// Hostile guest, resources: a guest cannot open sockets without limit
// (--max-sockets, EMFILE), and a guest that never reads while its peers
// flood it costs the host its receive rings, not the data sent: the host
// stops reading (backpressure) for TCP and drops datagrams for UDP, as a
// kernel does. Memory is measured as the VmRSS of the run.js process.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { freePort, RUN_JS, run, start, waitForOutput, programPath } from './helpers/programs.js';
import { spawnSync } from 'node:child_process';

const MiB = 1024 * 1024;

describe('--max-sockets', () => {
  it('socket() fails with EMFILE once N sockets are open, and works again after close()', async () => {
    const r = await run('wasm', 'wasm_socket_flood', [], { hostOptions: ['--max-sockets', '16'] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'opened 16 sockets, then EMFILE\n' +
        'socket() again: EMFILE\n' +
        'after closing 3: reopened 3\n' +
        'and one more: EMFILE\n' +
        'a connection after the flood: works\n',
    );
  });

  it('defaults to 4096', async () => {
    const r = await run('wasm', 'wasm_socket_flood', [], { timeoutMs: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe('opened 4096 sockets, then EMFILE');
    expect(r.stdout).toContain('a connection after the flood: works\n');
  });

  it('refuses a cap the shared ring memory cannot hold, in one line, before the guest starts', () => {
    for (const bad of ['0', '65536', 'lots']) {
      const r = spawnSync(process.execPath, [RUN_JS, '--max-sockets', bad, programPath('wasm', 'hello')], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`wasock: --max-sockets ${bad}: expected a number from 1 to 8189`);
      expect(r.stdout).toBe('');
    }
  });
});

/** Resident memory of a process (kB → bytes), from /proc. */
function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a guest that never reads, flooded by its peers', () => {
  it('keeps host memory bounded by its rings, not by the data offered (TCP and UDP)', async () => {
    const port = await freePort();
    const guest = start('wasm', 'wasm_never_reads', [String(port)], { timeoutMs: 60_000 });
    const pid = guest.child.pid!;
    await waitForOutput(guest, 'ready\n');
    const tcp = net.connect(port, '127.0.0.1');
    tcp.on('error', () => {});
    await waitForOutput(guest, 'accepted\n');
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    // Let start-up settle (compilation, worker, first allocations).
    await sleep(500);
    const baseline = rssBytes(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 25);

    // TCP: offer 512 MiB for at most 4 s.
    const OFFER = 512 * MiB;
    const chunk = Buffer.alloc(MiB, 0x5a);
    let written = 0;
    let stalled = false;
    const tcpDeadline = Date.now() + 4000;
    while (written < OFFER && Date.now() < tcpDeadline) {
      written += chunk.length;
      if (!tcp.write(chunk)) {
        const drained = await Promise.race([once(tcp, 'drain').then(() => true), sleep(tcpDeadline - Date.now()).then(() => false)]);
        if (!drained) stalled = true;
      }
    }
    await sleep(300);
    const afterTcp = Math.max(peak, rssBytes(pid));

    // UDP: offer 512 MiB in 1 KiB datagrams (at most 8 s). Every one the
    // host receives is dropped at the full ring; what remains is garbage for
    // the collector, which must not add up with the data.
    const datagram = Buffer.alloc(1024, 0x75);
    let datagrams = 0;
    const udpDeadline = Date.now() + 8000;
    while (datagrams * datagram.length < OFFER && Date.now() < udpDeadline) {
      for (let i = 0; i < 64; i++) udp.send(datagram, port, '127.0.0.1');
      datagrams += 64;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await sleep(300);
    peak = Math.max(peak, rssBytes(pid));
    clearInterval(sampler);
    const growth = peak - baseline;

    // Now the guest drains: it must get every byte the peer wrote, in full.
    guest.child.stdin!.write('drain\n');
    tcp.end();
    const done = await guest.done;
    udp.close();
    tcp.destroy();

    console.log(
      `flood: TCP offered ${OFFER / MiB} MiB, the network took ${(written / MiB).toFixed(1)} MiB before pushing back ` +
        `(host RSS +${((afterTcp - baseline) / MiB).toFixed(1)} MiB); UDP ${((datagrams * datagram.length) / MiB).toFixed(0)} MiB offered; ` +
        `host RSS ${(baseline / MiB).toFixed(1)} → peak ${(peak / MiB).toFixed(1)} MiB (+${(growth / MiB).toFixed(1)})`,
    );
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    // Backpressure: the sender stalled long before 512 MiB…
    expect(stalled).toBe(true);
    expect(written).toBeLessThan(128 * MiB);
    // …the host's memory grew by about its rings (2 × 256 KiB per socket), not by what was sent…
    expect(afterTcp - baseline).toBeLessThan(64 * MiB);
    // (At least 128 times the rings must have been offered for that to mean
    // anything; a loaded machine may not reach OFFER in the 8 s allowed.)
    expect(datagrams * datagram.length).toBeGreaterThanOrEqual(64 * MiB);
    expect(growth).toBeLessThan(64 * MiB);
    // …and nothing was lost: every byte the sender handed over reached the guest.
    expect(done.stdout).toContain(`tcp bytes ${written}\n`);
    // Datagrams beyond the ring are dropped, as a full socket buffer drops them.
    const queued = Number(/udp datagrams (\d+)/.exec(done.stdout)?.[1]);
    expect(queued).toBeGreaterThan(0);
    expect(queued).toBeLessThanOrEqual((256 * 1024) / datagram.length);
    expect(datagrams).toBeGreaterThan(queued * 10);
  }, 60_000);
});
