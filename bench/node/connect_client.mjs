// connect_client HOST PORT N: node:net twin of c-src/bench/connect_client.c:
// connect, wait for the server's close (EOF), close, N times in sequence.
import net from 'node:net';
import { argInt, fail, now, result } from './common.mjs';

const usage = 'connect_client HOST PORT N';
const port = argInt(3, usage);
const n = argInt(4, usage);
let done = 0;
const start = now();

function next() {
  if (done === n) {
    result(n / (now() - start), 'conn/s');
    return;
  }
  const sock = net.connect(port, process.argv[2]);
  sock.on('error', fail);
  sock.on('data', () => fail(new Error('expected EOF, got data')));
  sock.on('end', () => {
    sock.destroy();
    done++;
    next();
  });
}
next();
