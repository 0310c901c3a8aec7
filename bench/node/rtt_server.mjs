// rtt_server PORT: node:net twin of c-src/bench/rtt_server.c (echo, no delay).
import net from 'node:net';
import { argInt, fail, ready } from './common.mjs';

const port = argInt(2, 'rtt_server PORT');
const server = net.createServer((sock) => {
  server.close();
  sock.setNoDelay(true);
  sock.on('data', (d) => sock.write(d));
  sock.on('end', () => sock.end());
  sock.on('error', fail);
});
server.on('error', fail);
server.listen(port, '127.0.0.1', ready);
