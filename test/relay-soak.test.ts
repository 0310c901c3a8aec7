// Byte-exact integrity through the relay: 64 MiB each way between the
// page's relay client and a peer, through `node host/relay.js`, SHA-256
// equal on both ends. The same code pushes 1 GiB in the soak
// (`node bench/soak/relay-soak.mjs`, part of `npm run soak`).

import { expect, it } from 'vitest';
import { runRelaySoak } from '../bench/soak/relay-soak.mjs';

it('64 MiB each way through the relay, SHA-256 equal on both ends', async () => {
  const lines: string[] = [];
  const r = await runRelaySoak({ bytes: 64 << 20, log: (line) => lines.push(line) });
  console.log(lines.join('\n'));
  expect(r.up.bytes).toBe(64 << 20);
  expect(r.up.peerBytes).toBe(64 << 20);
  expect(r.up.pageSha).toBe(r.up.peerSha);
  expect(r.down.bytes).toBe(64 << 20);
  expect(r.down.peerBytes).toBe(64 << 20);
  expect(r.down.pageSha).toBe(r.down.peerSha);
  expect(r.ok).toBe(true);
  // The relay holds windows, not transfers: its memory does not grow with the bytes carried
  // (1 GiB peaks where 64 MiB does, near 100 MiB; the margin here is wide).
  expect(r.relay.rssPeakKiB - r.relay.rssStartKiB).toBeLessThan(128 * 1024);
}, 120_000);
