// rtt_client HOST PORT N: node:net twin of c-src/bench/rtt_client.c.
import net from 'node:net';
import { argInt, fail, now, result } from './common.mjs';

const usage = 'rtt_client HOST PORT N';
const port = argInt(3, usage);
const n = argInt(4, usage);
const ping = Buffer.from('p');
let done = 0;
let start = 0;

const sock = net.connect(port, process.argv[2], () => {
  sock.setNoDelay(true);
  start = now();
  sock.write(ping);
});
sock.on('error', fail);
sock.on('data', (d) => {
  // Only one byte is ever in flight, but count bytes in case of coalescing.
  done += d.length;
  if (done < n) {
    sock.write(ping);
    return;
  }
  const secs = now() - start;
  sock.end();
  result((secs * 1e6) / n, 'us');
});
