// connect_server PORT N: node:net twin of c-src/bench/connect_server.c.
import net from 'node:net';
import { argInt, fail, ready } from './common.mjs';

const usage = 'connect_server PORT N';
const port = argInt(2, usage);
const n = argInt(3, usage);
let accepted = 0;
const server = net.createServer((sock) => {
  sock.on('error', () => {}); // a reset after our close is not a failure
  sock.destroy(); // close() at once, as the C server does
  if (++accepted === n) server.close();
});
server.on('error', fail);
server.listen({ port, host: '127.0.0.1', backlog: 128 }, ready);
