// udp_rtt_client HOST PORT N: node:dgram twin of c-src/bench/udp_rtt_client.c.
import dgram from 'node:dgram';
import { argInt, fail, now, result } from './common.mjs';

const usage = 'udp_rtt_client HOST PORT N';
const host = process.argv[2];
const port = argInt(3, usage);
const n = argInt(4, usage);
const msg = Buffer.alloc(64, 'u');
let done = 0;
let start = 0;

const sock = dgram.createSocket('udp4');
sock.on('error', fail);
sock.on('message', (d) => {
  if (d.length === 1) {
    sock.close(); // the echo of our "stop"
    return;
  }
  if (d.length !== msg.length) fail(new Error(`echo of ${d.length} bytes`));
  if (++done < n) {
    sock.send(msg, port, host);
    return;
  }
  result(((now() - start) * 1e6) / n, 'us');
  sock.send('s', port, host);
});
sock.bind(0, '127.0.0.1', () => {
  start = now();
  sock.send(msg, port, host);
});
