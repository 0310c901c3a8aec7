// poll_echo_server PORT N: node:net twin of c-src/bench/poll_echo_server.c
// (Node's event loop plays the part of poll()): echoes on N connections and
// exits once all N have come and gone.
import net from 'node:net';
import { argInt, fail, ready } from './common.mjs';

const usage = 'poll_echo_server PORT N';
const port = argInt(2, usage);
const n = argInt(3, usage);
let accepted = 0;
const server = net.createServer((sock) => {
  sock.on('data', (d) => sock.write(d));
  sock.on('error', fail);
  // server.close() below only stops listening; the process exits when the
  // last connection has closed and the loop is empty.
  if (++accepted === n) server.close();
});
server.on('error', fail);
server.listen({ port, host: '127.0.0.1', backlog: 1024 }, ready);
