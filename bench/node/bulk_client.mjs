// bulk_client HOST PORT BYTES: node:net twin of c-src/bench/bulk_client.c,
// writing 64 KiB buffers and honouring backpressure ('drain').
import net from 'node:net';
import { argInt, fail } from './common.mjs';

const usage = 'bulk_client HOST PORT BYTES';
const port = argInt(3, usage);
let left = argInt(4, usage);
const chunk = Buffer.alloc(64 * 1024, 'x'); // reused: its content never changes

const sock = net.connect(port, process.argv[2], pump);
sock.on('error', fail);
sock.on('drain', pump);

function pump() {
  while (left > 0) {
    const n = Math.min(left, chunk.length);
    left -= n;
    if (!sock.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return;
  }
  sock.end();
}
