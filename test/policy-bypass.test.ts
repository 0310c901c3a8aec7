// Hostile guest, network policy: a guest limited by --allow-net tries to
// reach what the list leaves out by other spellings — IPv4-mapped and
// IPv4-compatible IPv6, inet_aton's hex/octal/one-number/short forms, a name
// (localhost) that resolves outside the list, sendto() past a connected UDP
// socket, bind() outside the list. Every attempt fails with EACCES and one
// stderr line, and listeners placed at the denied addresses see nothing.
// Loopback only: the denied addresses are 127.0.0.2 and other ports.

import { describe, expect, it } from 'vitest';
import net from 'node:net';
import dgram from 'node:dgram';
import { freePort, run } from './helpers/programs.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** TCP listeners that count connections (and UDP sockets that keep what arrives). */
async function tcpListener(host: string, port: number) {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { connections: () => connections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function udpListener(host: string, port: number) {
  const got: string[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg) => got.push(msg.toString()));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => resolve());
  });
  return { got, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) };
}

/** The stderr lines, each of which must be a policy denial. */
function denials(stderr: string): string[] {
  const lines = stderr.split('\n').filter(Boolean);
  for (const line of lines) expect(line).toMatch(/^wasock: .* (denied by the network policy|which the network policy denies) \(allow it with --allow-net=[^)]+\)$/);
  return lines;
}

describe('--allow-net=127.0.0.1:PORT against bypass attempts', () => {
  it('other spellings of a denied address (IPv4-mapped IPv6, hex, octal, one number, short forms) are denied; nothing arrives', async () => {
    const [port, other] = [await freePort(), await freePort()];
    const at2 = await tcpListener('127.0.0.2', port);
    const atOther = await tcpListener('127.0.0.1', other);
    try {
      const r = await run('wasm', 'wasm_policy_bypass', ['tcp', String(port), String(other)], { hostOptions: [`--allow-net=127.0.0.1:${port}`] });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        [
          'connect to [::ffff:127.0.0.2]: EACCES',
          'connect to [::ffff:7f00:2]: EACCES',
          'connect to [::127.0.0.2]: EACCES',
          'connect to "0x7f.0.0.2" (= 127.0.0.2): EACCES',
          'connect to "0177.0.0.02" (= 127.0.0.2): EACCES',
          'connect to "2130706434" (= 127.0.0.2): EACCES',
          'connect to "0x7f000002" (= 127.0.0.2): EACCES',
          'connect to "127.2" (= 127.0.0.2): EACCES',
          'connect to "127.0.2" (= 127.0.0.2): EACCES',
          'connect to "0x7F.0x0.0x0.0x2" (= 127.0.0.2): EACCES',
          'connect to inet_addr("2130706434"): EACCES',
          'connect to 127.0.0.1, another port: EACCES',
          '',
        ].join('\n'),
      );
      const lines = denials(r.stderr);
      expect(lines).toHaveLength(12);
      // A mapped address is judged, and reported, as what it maps.
      expect(lines[0]).toBe(`wasock: connect to [::ffff:127.0.0.2]:${port} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.2:${port})`);
      expect(lines[3]).toBe(`wasock: connect to 127.0.0.2:${port} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.2:${port})`);
      expect(lines[11]).toContain(`connect to 127.0.0.1:${other} denied`);
      await sleep(200);
      expect(at2.connections()).toBe(0);
      expect(atOther.connections()).toBe(0);
    } finally {
      await at2.close();
      await atOther.close();
    }
  });

  it('sendto() a denied address on a UDP socket connected to an allowed one is denied; only the allowed datagram arrives', async () => {
    const [port, other] = [await freePort(), await freePort()];
    const allowed = await udpListener('127.0.0.1', port);
    const at2 = await udpListener('127.0.0.2', port);
    const atOther = await udpListener('127.0.0.1', other);
    try {
      const r = await run('wasm', 'wasm_policy_bypass', ['udp', String(port), String(other)], { hostOptions: [`--allow-net=127.0.0.1:${port}`] });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        [
          'connect udp to 127.0.0.1 (allowed): ALLOWED',
          'send on the connected socket (allowed): ALLOWED',
          'sendto 127.0.0.2 on the connected socket: EACCES',
          'sendto 127.0.0.1, another port, on the connected socket: EACCES',
          'sendto [::ffff:127.0.0.2] on an IPv6 socket: EACCES',
          'connect udp to [::ffff:127.0.0.1] (allowed): ALLOWED',
          'sendto [::ffff:127.0.0.2] on it: EACCES',
          '',
        ].join('\n'),
      );
      expect(denials(r.stderr)).toEqual([
        `wasock: sendto 127.0.0.2:${port} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.2:${port})`,
        `wasock: sendto 127.0.0.1:${other} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.1:${other})`,
        `wasock: sendto [::ffff:127.0.0.2]:${port} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.2:${port})`,
        `wasock: sendto [::ffff:127.0.0.2]:${port} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.2:${port})`,
      ]);
      await sleep(200);
      expect(allowed.got).toEqual(['allowed']);
      expect(at2.got).toEqual([]);
      expect(atOther.got).toEqual([]);
    } finally {
      await allowed.close();
      await at2.close();
      await atOther.close();
    }
  });

  it('bind() to a port or address outside the list is denied (TCP, UDP, IPv4-mapped); the allowed port binds', async () => {
    const [port, other] = [await freePort(), await freePort()];
    const r = await run('wasm', 'wasm_policy_bypass', ['bind', String(port), String(other)], { hostOptions: [`--allow-net=127.0.0.1:${port}`, '--trace'] });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'bind 127.0.0.1, a port outside the list: EACCES',
        'bind 127.0.0.2, the allowed port: EACCES',
        'bind [::ffff:127.0.0.1], a port outside the list: EACCES',
        'bind udp 127.0.0.1, a port outside the list: EACCES',
        'bind 127.0.0.1, the allowed port: ALLOWED',
        'listen on it: ALLOWED',
        '',
      ].join('\n'),
    );
    const lines = r.stderr.split('\n').filter((l) => !l.startsWith('[wasock] '));
    expect(denials(lines.join('\n'))).toEqual([
      `wasock: bind to 127.0.0.1:${other} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.1:${other})`,
      `wasock: bind to 127.0.0.2:${port} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.2:${port})`,
      `wasock: bind to [::ffff:127.0.0.1]:${other} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.1:${other})`,
      `wasock: bind to 127.0.0.1:${other} denied by the network policy (allow it with --allow-net=127.0.0.1:${port},127.0.0.1:${other})`,
    ]);
    // The trace shows each denied bind failing, and the one real bind and listen.
    expect(r.stderr.match(/^\[wasock\] bind\(.*\) = -1 EACCES$/gm)).toHaveLength(4);
    expect(r.stderr).toContain(`[wasock] bind(3, 127.0.0.1:${port}) = 0`);
  });

  it('a name that resolves only to denied addresses: getaddrinfo fails with EAI_SYSTEM and errno EACCES; nothing arrives', async () => {
    const port = await freePort();
    const target = await tcpListener('127.0.0.1', port);
    try {
      // localhost is 127.0.0.1 (and ::1 where /etc/hosts says so): outside this list.
      const r = await run('wasm', 'wasm_policy_bypass', ['localhost', String(port)], { hostOptions: ['--allow-net=127.0.0.2'] });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('getaddrinfo("localhost"): EAI_SYSTEM, errno EACCES\n');
      const lines = denials(r.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^wasock: localhost resolves only to 127\.0\.0\.1(, ::1)?, which the network policy denies \(allow it with --allow-net=127\.0\.0\.2,127\.0\.0\.1\)$/);
      await sleep(200);
      expect(target.connections()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('…while with localhost allowed it resolves, and the port rule still applies to the connect', async () => {
    const [port, other] = [await freePort(), await freePort()];
    const target = await tcpListener('127.0.0.1', other);
    try {
      const r = await run('wasm', 'wasm_policy_bypass', ['localhost', String(other)], { hostOptions: [`--allow-net=127.0.0.1:${port}`] });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('getaddrinfo("localhost") gave 127.0.0.1; connect: EACCES\n');
      expect(denials(r.stderr)).toHaveLength(1);
      await sleep(200);
      expect(target.connections()).toBe(0);
    } finally {
      await target.close();
    }
  });
});
