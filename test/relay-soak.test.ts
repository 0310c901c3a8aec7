// Byte-exact integrity through the relay: 64 MiB each way between the
// page's relay client and a peer, through `node host/relay.js`, SHA-256
// equal on both ends. The same code pushes 1 GiB in the soak
// (`node bench/soak/relay-soak.mjs`, part of `npm run soak`).
//
// Both readers are slow (they stop reading for 25 ms after every MiB), so
// the senders outrun them and only flow control holds the bytes back: the
// relay must keep to the windows docs/relay-protocol.md promises instead of
// buffering a direction.

import { expect, it } from 'vitest';
import { runRelaySoak } from '../bench/soak/relay-soak.mjs';

const BYTES = 64 << 20;
const KiB = 1024;
const MiB = 1024 * KiB;

// What may be in flight at once in one direction (handed over by one end,
// not yet received by the other), from docs/relay-protocol.md (defaults,
// section 11): the stream's credit window; what the relay holds when credit
// runs out, one 64 KiB read plus at most one more (section 6.1); the queue
// towards the page, maxQueuedBytes (section 10); the page's one write beyond
// its credit (a 256 KiB piece of the soak). On top of that the kernel's
// socket buffers on the two loopback sockets, which autotuning sizes: 16 MiB
// allows for them. The sum stays far below the 64 MiB a relay that buffered
// a whole direction would let through.
const SPEC_IN_FLIGHT = 256 * KiB + 2 * 64 * KiB + 4 * MiB + 256 * KiB;
const KERNEL_BUFFERS = 16 * MiB;
const IN_FLIGHT_LIMIT = SPEC_IN_FLIGHT + KERNEL_BUFFERS;
// Resident memory: the relay's allocator churn at full speed adds some 40
// MiB of garbage whatever it holds (measured: the same for 64 MiB and 1 GiB),
// so RSS is a coarse second check: holding a whole direction (64 MiB) on
// top of that churn would cross 80 MiB.
const RSS_GROWTH_LIMIT = 80 * MiB;

it('64 MiB each way through the relay with slow readers: SHA-256 equal, in-flight bytes and memory within the windows', async () => {
  const lines: string[] = [];
  const r = await runRelaySoak({ bytes: BYTES, slowReader: { everyBytes: MiB, pauseMs: 25 }, log: (line) => lines.push(line) });
  console.log(lines.join('\n'));
  expect(r.up.bytes).toBe(BYTES);
  expect(r.up.peerBytes).toBe(BYTES);
  expect(r.up.pageSha).toBe(r.up.peerSha);
  expect(r.down.bytes).toBe(BYTES);
  expect(r.down.peerBytes).toBe(BYTES);
  expect(r.down.pageSha).toBe(r.down.peerSha);
  expect(r.ok).toBe(true);
  expect(r.inFlight, 'the node peer reports in-flight bytes').not.toBeNull();
  expect(r.inFlight!.upPeak, 'bytes in flight page → peer').toBeLessThan(IN_FLIGHT_LIMIT);
  expect(r.inFlight!.downPeak, 'bytes in flight peer → page').toBeLessThan(IN_FLIGHT_LIMIT);
  expect((r.relay.rssPeakKiB - r.relay.rssStartKiB) * KiB, 'relay RSS growth').toBeLessThan(RSS_GROWTH_LIMIT);
}, 120_000);
