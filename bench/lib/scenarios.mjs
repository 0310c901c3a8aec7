// The client/server scenarios: which programs, what sizes (full and
// --quick), which side prints the figure, and the pairings they run in.
// Every program takes its sizes from argv, so --quick only changes numbers.

import { setTimeout as sleep } from 'node:timers/promises';
import { Program, freePort, rssKiB, withDeadline } from './proc.mjs';

/** The host modes every wasm pairing is measured in (issue 12). */
export const HOSTS = ['jspi', 'worker'];

const WASM_PAIRINGS = [
  { id: 'wasm-wasm', server: 'wasm', client: 'wasm' },
  { id: 'wasm-native', server: 'wasm', client: 'native' },
  { id: 'native-wasm', server: 'native', client: 'wasm' },
];

const inHost = (flavour, host) => (flavour === 'wasm' ? `wasm:${host}` : flavour);

/**
 * Pairings are named server-client; a wasm pairing is there once per host
 * mode (`host`), with flavours wasm:jspi / wasm:worker. `key` is unique.
 */
export const PAIRINGS = [
  { id: 'native-native', key: 'native-native', server: 'native', client: 'native' },
  ...WASM_PAIRINGS.flatMap((p) => HOSTS.map((host) => ({ id: p.id, key: `${p.id}/${host}`, host, server: inHost(p.server, host), client: inHost(p.client, host) }))),
  { id: 'node-node', key: 'node-node', server: 'node', client: 'node' },
];

const HOST = '127.0.0.1';

export const SCENARIOS = [
  {
    name: 'tcp_bulk',
    what: 'client writes {bytes} in 64 KiB writes; server reads and discards',
    unit: 'MB/s',
    better: 'higher',
    programs: ['bulk_server', 'bulk_client'],
    sizes: { full: { bytes: 2 ** 30 }, quick: { bytes: 64 * 2 ** 20 } },
    server: (port) => [String(port)],
    client: (port, s) => [HOST, String(port), String(s.bytes)],
    // The server sees the last byte, so its clock is the honest one.
    reporter: 'server',
    check: (r, s) => r.extra === `bytes=${s.bytes}` || `server received ${r.extra}, expected bytes=${s.bytes}`,
  },
  {
    name: 'tcp_rtt',
    what: '1-byte ping-pong, TCP_NODELAY, {trips} round trips',
    unit: 'µs',
    better: 'lower',
    programs: ['rtt_server', 'rtt_client'],
    sizes: { full: { trips: 20000 }, quick: { trips: 2000 } },
    server: (port) => [String(port)],
    client: (port, s) => [HOST, String(port), String(s.trips)],
    reporter: 'client',
  },
  {
    name: 'tcp_connect',
    what: '{conns} sequential connect/accept/close',
    unit: 'conn/s',
    better: 'higher',
    programs: ['connect_server', 'connect_client'],
    sizes: { full: { conns: 5000 }, quick: { conns: 500 } },
    server: (port, s) => [String(port), String(s.conns)],
    client: (port, s) => [HOST, String(port), String(s.conns)],
    reporter: 'client',
  },
  {
    name: 'tcp_1000',
    what: 'poll() echo server, one client with {conns} connections, {rounds} rounds of 64 B on each',
    unit: 'msg/s',
    better: 'higher',
    programs: ['poll_echo_server', 'many_client'],
    sizes: { full: { conns: 1000, rounds: 20 }, quick: { conns: 250, rounds: 2 } },
    server: (port, s) => [String(port), String(s.conns)],
    client: (port, s) => [HOST, String(port), String(s.conns), String(s.rounds)],
    reporter: 'client',
    // A second figure: the server's resident memory per open connection.
    secondary: { name: 'tcp_1000_rss', unit: 'KiB/conn', better: 'lower' },
    async during({ server, client, baseline }, s) {
      await client.waitLine('READY'); // every connection accepted and served once
      const open = rssKiB(server.pid);
      client.child.stdin.write('go\n');
      return (open - baseline) / s.conns;
    },
  },
  {
    name: 'udp_rtt',
    what: '64-byte datagram ping-pong, {trips} round trips',
    unit: 'µs',
    better: 'lower',
    programs: ['udp_rtt_server', 'udp_rtt_client'],
    sizes: { full: { trips: 20000 }, quick: { trips: 2000 } },
    server: (port) => [String(port)],
    client: (port, s) => [HOST, String(port), String(s.trips)],
    reporter: 'client',
  },
];

/** The unit the C and Node programs print, per table unit. */
const PRINTED_UNIT = { 'MB/s': 'MB/s', 'µs': 'us', 'conn/s': 'conn/s', 'msg/s': 'msg/s' };

/**
 * One repetition of scenario `sc` in `pairing`: { value, secondary? }.
 * Throws (after killing both programs) on any failure or on the deadline.
 */
export async function runOnce(sc, pairing, size, deadlineMs) {
  const port = await freePort();
  const progs = [];
  return withDeadline(deadlineMs, progs, async () => {
    const server = new Program(pairing.server, sc.programs[0], sc.server(port, size));
    progs.push(server);
    await server.waitLine('READY');
    let baseline = 0;
    if (sc.during) {
      await sleep(100); // let the server's start-up allocations settle
      baseline = rssKiB(server.pid);
    }
    const client = new Program(pairing.client, sc.programs[1], sc.client(port, size));
    progs.push(client);
    const secondary = sc.during ? await sc.during({ server, client, baseline }, size) : undefined;
    await Promise.all([client.finished(), server.finished()]);
    const r = (sc.reporter === 'server' ? server : client).result();
    if (r.unit !== PRINTED_UNIT[sc.unit]) throw new Error(`${sc.name}: printed unit ${r.unit}, expected ${PRINTED_UNIT[sc.unit]}`);
    const ok = sc.check ? sc.check(r, size) : true;
    if (ok !== true) throw new Error(`${sc.name}: ${ok}`);
    if (!Number.isFinite(r.value) || r.value <= 0) throw new Error(`${sc.name}: figure ${r.value} is not a positive number`);
    return { value: r.value, secondary };
  });
}

function human(key, v) {
  if (key !== 'bytes') return v.toLocaleString('en-US');
  return v >= 2 ** 30 ? `${v / 2 ** 30} GiB` : `${v / 2 ** 20} MiB`;
}

export function describe(sc, size) {
  return sc.what.replace(/\{(\w+)\}/g, (_, k) => human(k, size[k]));
}
