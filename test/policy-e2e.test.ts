// The network policy, end to end on loopback only: a guest limited by
// --allow-net cannot reach other ports or addresses (no connection arrives),
// and a bind to INADDR_ANY is narrowed to 127.0.0.1 while the program still
// sees the address it asked for.

import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { freePort, run, start, waitForBound } from './helpers/programs.js';

/** A TCP listener that counts connections and greets each one. */
async function listener(host: string, port: number) {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.end('hi from the test\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('--allow-net=127.0.0.1:PORT_A', () => {
  it('allows exactly that address and port', async () => {
    const portA = await freePort();
    const target = await listener('127.0.0.1', portA);
    try {
      const r = await run('wasm', 'client', ['127.0.0.1', String(portA)], { hostOptions: [`--allow-net=127.0.0.1:${portA}`] });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('hi from the test');
      expect(target.connections).toBe(1);
    } finally {
      await target.close();
    }
  });

  it('refuses another port with EACCES; nothing reaches the listener', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const target = await listener('127.0.0.1', portB);
    try {
      const r = await run('wasm', 'client', ['127.0.0.1', String(portB)], { hostOptions: [`--allow-net=127.0.0.1:${portA}`] });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`wasock: connect to 127.0.0.1:${portB} denied by the network policy (allow it with --allow-net=`);
      expect(r.stderr).toContain('connect: Permission denied');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(target.connections).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('refuses another loopback address (127.0.0.2) with EACCES', async () => {
    const portA = await freePort();
    const target = await listener('127.0.0.2', portA);
    try {
      const r = await run('wasm', 'client', ['127.0.0.2', String(portA)], { hostOptions: [`--allow-net=127.0.0.1:${portA}`] });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`wasock: connect to 127.0.0.2:${portA} denied by the network policy`);
      expect(r.stderr).toContain('connect: Permission denied');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(target.connections).toBe(0);
    } finally {
      await target.close();
    }
  });
});

describe('default policy', () => {
  it('narrows a bind to INADDR_ANY to 127.0.0.1, and the program still sees 0.0.0.0', async () => {
    const port = await freePort();
    const server = start('wasm', 'server', [String(port)], { hostOptions: ['--trace'], stdin: '' });
    let exited = false;
    void server.done.then(() => (exited = true));
    await waitForBound(port, 'tcp', 10_000, () => !exited);
    // 127.0.0.2 is loopback too, but the narrowed bind does not cover it.
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.2');
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    const greeting = await new Promise<string>((resolve, reject) => {
      let data = '';
      const socket = net.connect(port, '127.0.0.1');
      socket.setEncoding('utf8').on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(greeting).toBe('Hello from the server!\n');
    const done = await server.done;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain(`[wasock] bind(3, 0.0.0.0:${port}) = 0`);
    expect(done.stdout).toContain('Connection from 127.0.0.1');
  });
});
