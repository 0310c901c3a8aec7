// many_client HOST PORT CONNS ROUNDS: node:net twin of
// c-src/bench/many_client.c: connect CONNS sockets, one untimed warm-up
// round, READY, wait for a line on stdin, ROUNDS timed rounds of a 64-byte
// message on every connection, print messages per second.
import net from 'node:net';
import { once } from 'node:events';
import { argInt, fail, now, ready, result } from './common.mjs';

const usage = 'many_client HOST PORT CONNS ROUNDS';
const host = process.argv[2];
const port = argInt(3, usage);
const conns = argInt(4, usage);
const rounds = argInt(5, usage);
const MSG = 64;
const msg = Buffer.alloc(MSG, 'm');

const socks = [];
for (let i = 0; i < conns; i++) {
  // In sequence, like the C client: no burst that overflows the backlog.
  const sock = net.connect(port, host);
  sock.on('error', fail);
  await once(sock, 'connect');
  socks.push(sock);
}

/** Writes one message on every connection; resolves when every echo is back. */
function roundTrip() {
  return new Promise((resolve) => {
    let pending = conns;
    for (const sock of socks) {
      let got = 0;
      const onData = (d) => {
        got += d.length;
        if (got < MSG) return;
        sock.off('data', onData);
        if (--pending === 0) resolve();
      };
      sock.on('data', onData);
      sock.write(msg);
    }
  });
}

await roundTrip();
ready();
await once(process.stdin, 'data');
process.stdin.pause();
const start = now();
for (let r = 0; r < rounds; r++) await roundTrip();
const secs = now() - start;
for (const sock of socks) sock.destroy();
result((conns * rounds) / secs, 'msg/s');
