// udp_rtt_server PORT: node:dgram twin of c-src/bench/udp_rtt_server.c; a
// 1-byte datagram is the client's "stop".
import dgram from 'node:dgram';
import { argInt, fail, ready } from './common.mjs';

const port = argInt(2, 'udp_rtt_server PORT');
const sock = dgram.createSocket('udp4');
sock.on('error', fail);
sock.on('message', (d, peer) => {
  sock.send(d, peer.port, peer.address, () => {
    if (d.length === 1) sock.close();
  });
});
sock.bind(port, '127.0.0.1', ready);
