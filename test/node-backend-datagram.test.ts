// The node backend's UDP sockets: a datagram sent just before close() still
// leaves, as with a kernel socket (node:dgram alone would drop it).

import { describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { NodeBackend } from '../host/src/net/node-backend.js';

describe('NodeBackend datagrams', () => {
  it('delivers what was sent right before close()', async () => {
    const receiver = dgram.createSocket('udp4');
    let received = 0;
    receiver.on('message', () => received++);
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', () => resolve()));
    const to = { family: 4 as const, ip: '127.0.0.1', port: receiver.address().port };
    const backend = new NodeBackend();
    const rounds = 20;
    for (let i = 0; i < rounds; i++) {
      const udp = await backend.bindDatagram({ family: 4, ip: '127.0.0.1', port: 0 }, { ipv6Only: false, reuseAddr: false }, () => {});
      udp.send(new Uint8Array([i]), to);
      udp.close();
    }
    const deadline = Date.now() + 2000;
    while (received < rounds && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    receiver.close();
    expect(received).toBe(rounds);
  });

  it('stops delivering to its owner once closed', async () => {
    const backend = new NodeBackend();
    let delivered = 0;
    const udp = await backend.bindDatagram({ family: 4, ip: '127.0.0.1', port: 0 }, { ipv6Only: false, reuseAddr: false }, () => delivered++);
    const sender = dgram.createSocket('udp4');
    udp.send(new Uint8Array([1]), { family: 4, ip: '127.0.0.1', port: 9 });
    udp.close();
    await new Promise<void>((resolve) => sender.send(Buffer.from('late'), udp.local.port, '127.0.0.1', () => resolve()));
    await new Promise((r) => setTimeout(r, 100));
    sender.close();
    expect(delivered).toBe(0);
  });
});
