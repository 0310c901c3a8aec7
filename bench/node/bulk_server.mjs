// bulk_server PORT: node:net twin of c-src/bench/bulk_server.c.
import net from 'node:net';
import { argInt, fail, now, ready, result } from './common.mjs';

const port = argInt(2, 'bulk_server PORT');
const server = net.createServer((sock) => {
  server.close(); // one connection, like the C server's single accept()
  let total = 0;
  let start = 0;
  sock.on('data', (chunk) => {
    if (total === 0) start = now();
    total += chunk.length;
  });
  sock.on('end', () => {
    const secs = now() - start;
    result(total / 1e6 / secs, 'MB/s', `bytes=${total}`);
    sock.destroy();
  });
  sock.on('error', fail);
});
server.on('error', fail);
server.listen(port, '127.0.0.1', ready);
