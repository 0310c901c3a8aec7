// The reference for the integrity programs (c-src/tests/sha256.h): SHA-256
// of the first `bytes` bytes of the xorshift32 stream from `seed`, each word
// little-endian, computed here independently of the C code. Shared by
// `npm run soak` (tools/soak.mjs) and the integrity tests.

import { createHash } from 'node:crypto';

/** The seeds integrity_client.c and integrity_server.c send with. */
export const CLIENT_SEED = 0x2545f491;
export const SERVER_SEED = 0x9e3779b9;

export function streamSha256(seed, bytes) {
  const hash = createHash('sha256');
  const block = new Uint8Array(1 << 20);
  const view = new DataView(block.buffer);
  let x = seed >>> 0;
  for (let left = bytes; left > 0; left -= block.length) {
    for (let i = 0; i < block.length; i += 4) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      view.setUint32(i, x, true);
    }
    hash.update(left < block.length ? block.subarray(0, left) : block);
  }
  return hash.digest('hex');
}
