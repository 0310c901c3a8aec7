// Hostile pages against the relay as users run it (`node host/relay.js`, a
// child process), for RELAY_FUZZ_MS (default 60 s): several bad clients at
// once send generated frames — random bytes, mutated valid frames (bit
// flips, truncations, wrong lengths, oversized, text), unknown ops,
// operations on foreign, closed and half-open ids, bursts interleaving
// close and data, credit abuse — and every answer they get (ERROR errnos,
// REPLY errnos, close codes, and silence) must be one the spec allows for
// what they sent (test/helpers/relay-oracle.ts). Every frame a bad client
// receives must concern its own sockets and carry its own bytes. Meanwhile
// good clients move TCP (outbound and accepted) and UDP traffic through the
// same relay, verified byte for byte, and the relay's resident memory and
// descriptors stay bounded.
//
// Reproduce a failure with RELAY_FUZZ_SEED=<seed> (printed in the test name
// and in fast-check's report).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { E } from '../host/src/abi/errno.js';
import { allowNetModel } from './helpers/allow-net-model.js';
import { DEFAULT_LIMITS, DEFAULT_LISTEN_PORTS } from '../host/src/relay/limits.js';
import { encodeFrame } from '../host/src/relay/frame.js';
import type { OracleEnv, SpecAddr } from './helpers/relay-oracle.js';
import { SPEC_CLOSE, SPEC_OP } from './helpers/relay-oracle.js';
import { startChildRelay, type ChildRelay } from './helpers/relay-child.js';
import {
  BadClient, goodAccept, goodTcp, goodUdp, newCoverage, realize, recipe, setUp, startTargets, templates,
  type FuzzWorld, type GoodStats, type Recipe, type SendItem, type Targets, type Template,
} from './helpers/relay-fuzz.js';

/** How long the clients run; the file takes this plus a few seconds. */
const FUZZ_MS = Number(process.env.RELAY_FUZZ_MS ?? 60_000);
const SEED = Number(process.env.RELAY_FUZZ_SEED ?? Date.now() % 2 ** 31);
/** `ROLE:PATH` from a failure report replays that one counterexample (with RELAY_FUZZ_SEED set to the role's seed). */
const REPLAY = process.env.RELAY_FUZZ_REPLAY;
/** Wide margins: the relay idles near 60 MiB; hostile traffic must not take it anywhere near this. */
const RSS_LIMIT_KIB = 400 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let relay: ChildRelay;
let targets: Targets;
let world: FuzzWorld;

function oracleEnv(t: Targets): OracleEnv {
  const isLoop4 = (a: SpecAddr) => a.family === 4 && a.ip === '127.0.0.1';
  const isMapped = (a: SpecAddr) => a.family === 6 && a.ip === '::ffff:127.0.0.1';
  return {
    limits: {
      maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes,
      windowBytes: DEFAULT_LIMITS.windowBytes,
      maxSockets: DEFAULT_LIMITS.maxSockets,
      maxResolves: DEFAULT_LIMITS.maxResolves,
      listenPorts: { ...DEFAULT_LISTEN_PORTS },
      // The expected EACCES answers come from an independent model of the
      // documented --allow-net semantics, not from host/src/net/policy.ts.
      policy: allowNetModel(ALLOW_NET),
    },
    connectTarget(to, from) {
      if (to.port !== t.echoPort && to.port !== t.stallPort) return 'unsafe';
      // An explicit source port would occupy a port some other program may want.
      if (from !== null && from.port !== 0) return 'unsafe';
      if (isMapped(to)) return 'system';
      if (!isLoop4(to)) return 'unsafe';
      return from === null || from.family === 4 ? 'ok' : 'system';
    },
    localTarget(_kind, at, flags) {
      if (at.port !== 0) return 'unsafe';
      return at.family === 4 && (flags & 1) === 0 ? 'ok' : 'system';
    },
    datagramTarget(to) {
      return to.port === t.udpPort && (isLoop4(to) || isMapped(to)) ? 'ok' : 'unsafe';
    },
  };
}

/**
 * The relay's policy: a CIDR block, and an IPv6 host limited to a port range.
 * 127.0.0.1 (in the /31) is allowed on every port; 127.0.0.2 and
 * ::ffff:127.0.0.2 are loopback addresses outside the block, and ::1 is
 * allowed only on ports 1-1023, where nothing of the test listens: the
 * fuzzer names ::1 with the echo port, which the range denies. So denials are
 * tested with no packet ever leaving the machine.
 */
const ALLOW_NET = '127.0.0.0/31,[::1]:1-1023';

beforeAll(async () => {
  relay = await startChildRelay([`--allow-net=${ALLOW_NET}`]);
  targets = await startTargets();
  world = { relayUrl: relay.relayUrl, env: oracleEnv(targets), targets, foreign: new Set(), coverage: newCoverage() };
});

afterAll(async () => {
  await relay?.stop();
  await targets?.close();
});

// --- roles ---------------------------------------------------------------------------

const T = templates;
const anyFrame: fc.Arbitrary<Template> = fc.oneof(
  { weight: 6, arbitrary: T.data },
  { weight: 4, arbitrary: T.end },
  { weight: 3, arbitrary: T.credit },
  { weight: 2, arbitrary: T.setopt },
  { weight: 3, arbitrary: T.datagram },
  { weight: 3, arbitrary: T.connect },
  { weight: 1, arbitrary: T.listen },
  { weight: 1, arbitrary: T.bind },
  { weight: 1, arbitrary: T.resolve },
  { weight: 1, arbitrary: T.keepalive },
  { weight: 1, arbitrary: T.maxsize },
  { weight: 1, arbitrary: T.header },
);
const streamTraffic: fc.Arbitrary<Template> = fc.oneof(
  { weight: 6, arbitrary: T.data },
  { weight: 5, arbitrary: T.end },
  { weight: 3, arbitrary: T.credit },
  { weight: 2, arbitrary: T.setopt },
  { weight: 2, arbitrary: T.datagram },
  { weight: 2, arbitrary: T.connect },
  { weight: 1, arbitrary: T.keepalive },
);
const garbage: fc.Arbitrary<Template> = fc.oneof(
  { weight: 3, arbitrary: T.raw },
  { weight: 3, arbitrary: T.header },
  { weight: 1, arbitrary: T.text },
  { weight: 1, arbitrary: T.oversize },
  { weight: 4, arbitrary: anyFrame },
);

interface Role {
  name: string;
  bursts: fc.Arbitrary<Recipe[][]>;
  setup: { stall: boolean; accept: boolean };
}

const ROLES: Role[] = [
  // Mostly one frame at a time, so each answer is checked exactly.
  { name: 'mixed-a', bursts: fc.array(fc.array(recipe(anyFrame, 3), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 40 }), setup: { stall: true, accept: true } },
  { name: 'mixed-b', bursts: fc.array(fc.array(recipe(anyFrame, 3), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 40 }), setup: { stall: false, accept: true } },
  // Close, reset, end, data and credit interleaved without waiting between them.
  { name: 'interleaver', bursts: fc.array(fc.array(recipe(streamTraffic, 0), { minLength: 2, maxLength: 10 }), { minLength: 1, maxLength: 30 }), setup: { stall: false, accept: true } },
  // Broken frames of every kind: nearly every run ends in a close code.
  { name: 'garbage', bursts: fc.array(fc.array(recipe(garbage, 8), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 6 }), setup: { stall: false, accept: false } },
];

/** Runs one role's property until the deadline; resolves with its failure, if any. */
async function runRole(role: Role, seed: number, deadline: number, runs: { n: number }): Promise<string | null> {
  let current: Promise<void> = Promise.resolve();
  let failure: string | null = null;
  const property = fc.asyncProperty(role.bursts, async (bursts) => {
    const run = (async () => {
      if (Date.now() > deadline) return;
      const client = await BadClient.open(world);
      try {
        await setUp(client, world, role.setup);
        for (const burst of bursts) {
          if (Date.now() > deadline || client.closed) break;
          if (burst.some((r) => r.tpl.t === 'credit')) await client.quiesce(300);
          await client.burst(burst.map((r) => () => realize(r, client, world)));
          client.check();
        }
        await client.settle();
        client.check();
        runs.n++;
      } finally {
        client.dispose();
      }
    })();
    current = run.catch(() => {});
    try {
      await run;
    } catch (err) {
      failure ??= `${role.name}: ${(err as Error).message}`;
      throw err;
    }
  });
  try {
    const replay = REPLAY?.startsWith(`${role.name}:`) ? { path: REPLAY.slice(role.name.length + 1), endOnFailure: true } : {};
    await fc.assert(property, { seed, numRuns: 1e9, interruptAfterTimeLimit: Math.max(1, deadline - Date.now()), markInterruptAsFailure: false, ...replay });
  } catch (err) {
    // fast-check's report (seed, path, shrunk counterexample), then what the relay did wrong.
    const cause = (err as Error).cause;
    failure = `${role.name} (seed ${seed}): ${(err as Error).message}\n${cause instanceof Error ? cause.message : failure ?? ''}`;
  }
  await current;
  return failure;
}

/**
 * Scripted abuse with exact expectations: DATA past the credit window to a
 * peer that never reads (4002), CREDIT for bytes never sent (4000), a text
 * message (1003), an oversized frame (1009), an op the relay sends (4001).
 */
async function runAbuser(deadline: number, stats: { floods: number; floodBytes: number[] }): Promise<string | null> {
  const W = world.env.limits.windowBytes;
  try {
    while (Date.now() < deadline) {
      // Flood: 64 KiB DATA frames on the stalled stream, a few per burst, until the relay closes with 4002.
      const flood = await BadClient.open(world);
      try {
        await setUp(flood, world, { stall: true, accept: false });
        const stall = [...flood.model.socks.values()].find((s) => s.flow?.peer === 'sink')!;
        const piece = new Uint8Array(64 * 1024).fill(0x5a);
        let open = true;
        while (open && stall.flow!.sent < 256 << 20 && Date.now() < deadline + 10_000) {
          open = await flood.burst(Array.from({ length: 8 }, () => (): SendItem => ({ bytes: encodeFrame(SPEC_OP.DATA, stall.id, 0, piece), label: `flood DATA s${stall.id} at ${stall.flow!.sent}` })));
          flood.check();
        }
        if (open) return `abuser: ${stall.flow!.sent} B past a peer that never reads, and no close 4002`;
        if (flood.closed!.code !== SPEC_CLOSE.LIMIT) return `abuser: flood closed with ${flood.closed!.code}, not 4002`;
        // The relay may close only once the window is exceeded.
        if (stall.flow!.sent - stall.flow!.creditBack <= W) return `abuser: 4002 with only ${stall.flow!.sent - stall.flow!.creditBack} B unacknowledged`;
        stats.floods++;
        stats.floodBytes.push(stall.flow!.sent);
      } finally {
        flood.dispose();
      }
      // CREDIT for one byte more than the relay sent, once the echo is all in.
      const credit = await BadClient.open(world);
      try {
        await setUp(credit, world, { stall: false, accept: false });
        const echo = [...credit.model.socks.values()].find((s) => s.flow?.peer === 'echo')!;
        await credit.burst([() => ({ bytes: encodeFrame(SPEC_OP.DATA, echo.id, 0, new Uint8Array(1000).fill(7)), label: 'DATA 1000 B' })]);
        await credit.until(() => echo.flow!.received === 1000, 'the echo of 1000 B');
        const open = await credit.burst([() => ({ bytes: encodeFrame(SPEC_OP.CREDIT, echo.id, 0, Uint8Array.of(0xe9, 0x03, 0, 0)), label: 'CREDIT 1001 B for 1000 B' })]);
        credit.check();
        if (open || credit.closed!.code !== SPEC_CLOSE.BAD_FRAME) return `abuser: CREDIT beyond what was sent gave ${credit.closed?.code ?? 'no close'}`;
      } finally {
        credit.dispose();
      }
      // One-frame closes.
      for (const [bytes, code] of [
        ['{"op":"connect"}', SPEC_CLOSE.TEXT],
        [encodeFrame(SPEC_OP.DATA, 1, 0, new Uint8Array(world.env.limits.maxFrameBytes - 15)), SPEC_CLOSE.TOO_BIG],
        [encodeFrame(SPEC_OP.ACCEPT, 1, 0, new Uint8Array(44)), SPEC_CLOSE.UNKNOWN_OP],
      ] as const) {
        const c = await BadClient.open(world);
        try {
          await c.burst([() => ({ bytes, label: `expecting ${code}` })]);
          c.check();
          if (c.closed?.code !== code) return `abuser: expected close ${code}, got ${c.closed?.code ?? 'none'}`;
        } finally {
          c.dispose();
        }
      }
    }
    return null;
  } catch (err) {
    return `abuser: ${(err as Error).message}`;
  }
}

describe('relay protocol fuzzer', () => {
  it(`bad clients get the spec's answers; good clients' traffic stays intact; memory stays bounded (seed ${SEED}, ${FUZZ_MS} ms)`, async () => {
    // Warm up what the relay opens lazily (resolver, first streams), then take the baseline.
    const warm: GoodStats = { tcpTransfers: 0, tcpBytes: 0, acceptTransfers: 0, datagrams: 0, failures: [] };
    await goodTcp(relay.relayUrl, targets.echoPort, 0, new Set(), warm, 1);
    await goodUdp(relay.relayUrl, targets.udpPort, Date.now() + 50, warm);
    expect(warm.failures).toEqual([]);
    await sleep(500);
    const baseline = { rss: relay.rssKiB(), fds: relay.fdCount() };
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(relay.rssKiB()), 250);
    const deadline = Date.now() + FUZZ_MS;
    const good: GoodStats = { tcpTransfers: 0, tcpBytes: 0, acceptTransfers: 0, datagrams: 0, failures: [] };
    const abuse = { floods: 0, floodBytes: [] as number[] };
    const runs = ROLES.map(() => ({ n: 0 }));
    const started = Date.now();
    const results = await Promise.all([
      goodTcp(relay.relayUrl, targets.echoPort, deadline, world.foreign, good),
      goodTcp(relay.relayUrl, targets.echoPort, deadline, world.foreign, good),
      goodAccept(relay.relayUrl, deadline, good),
      goodUdp(relay.relayUrl, targets.udpPort, deadline, good),
      ...ROLES.map((role, i) => runRole(role, SEED + i, deadline, runs[i]!)),
      runAbuser(deadline, abuse),
    ]);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const failures = results.filter((r): r is string => typeof r === 'string');

    // Every client has gone: the relay must hold no socket of theirs.
    let fds = relay.fdCount();
    for (let i = 0; i < 100 && fds > baseline.fds; i++) {
      await sleep(50);
      fds = relay.fdCount();
    }
    const cov = world.coverage;
    const peak = Math.max(...rss);
    console.log([
      `relay fuzz (seed ${SEED}): ${seconds.toFixed(1)} s, ${cov.connections} bad connections, ${cov.bursts} bursts, ${cov.frames} frames; runs per role ${runs.map((r, i) => `${ROLES[i]!.name} ${r.n}`).join(', ')}`,
      `  closes ${JSON.stringify(Object.fromEntries(cov.closes))}; ERROR errnos ${JSON.stringify(Object.fromEntries(cov.errors))}; REPLY ${JSON.stringify(Object.fromEntries(cov.replies))}`,
      `  good clients: ${good.tcpTransfers} TCP echo transfers (${(good.tcpBytes / 2 ** 20).toFixed(0)} MiB each way, ${(good.tcpBytes / 2 ** 20 / seconds).toFixed(1)} MiB/s), ${good.acceptTransfers} accepted-connection transfers, ${good.datagrams} datagram round trips`,
      `  abuser: ${abuse.floods} floods closed with 4002 after ${abuse.floodBytes.length ? `${Math.min(...abuse.floodBytes) >> 10}-${Math.max(...abuse.floodBytes) >> 10} KiB` : '-'}`,
      `  pages connected ${relay.pages().connected}, left ${relay.pages().left}; relay RSS ${baseline.rss >> 10} MiB at start, peak ${peak >> 10} MiB, ${relay.rssKiB() >> 10} MiB at the end; descriptors ${baseline.fds} → ${fds}`,
    ].join('\n'));

    expect(failures).toEqual([]);
    expect(good.failures).toEqual([]);
    expect(relay.exit, relay.stderr()).toBeNull();
    expect(peak).toBeLessThan(RSS_LIMIT_KIB);
    const pages = relay.pages();
    expect(pages.left, 'pages that left').toBe(pages.connected);
    expect(fds, `the relay still holds: ${relay.sockets().join('; ')}`).toBeLessThanOrEqual(baseline.fds);
    // The traffic really happened.
    expect(good.tcpTransfers).toBeGreaterThan(0);
    expect(good.acceptTransfers).toBeGreaterThan(0);
    expect(good.datagrams).toBeGreaterThan(0);
    expect(abuse.floods).toBeGreaterThan(0);
    expect(runs.every((r) => r.n > 0)).toBe(true);
    // Every close code a page can earn was earned, and the common errnos seen.
    for (const code of [SPEC_CLOSE.TEXT, SPEC_CLOSE.TOO_BIG, SPEC_CLOSE.BAD_FRAME, SPEC_CLOSE.UNKNOWN_OP, SPEC_CLOSE.LIMIT]) expect(cov.closes.get(code) ?? 0, `close ${code}`).toBeGreaterThan(0);
    if (FUZZ_MS >= 30_000) {
      for (const errno of [E.BADF, E.INVAL, E.ACCES, E.NOPROTOOPT, E.PIPE]) expect(cov.errors.get(errno) ?? 0, `ERROR errno ${errno}`).toBeGreaterThan(0);
      for (const errno of [E.EXIST, E.ACCES, E.CONNREFUSED]) expect(cov.replies.get(`errno ${errno}`) ?? 0, `REPLY errno ${errno}`).toBeGreaterThan(0);
    }

    // And the relay still works for a newcomer.
    const after: GoodStats = { tcpTransfers: 0, tcpBytes: 0, acceptTransfers: 0, datagrams: 0, failures: [] };
    await goodTcp(relay.relayUrl, targets.echoPort, 0, new Set(), after, 1);
    expect(after.failures).toEqual([]);
    expect(after.tcpTransfers).toBe(1);
  }, FUZZ_MS + 60_000);
});
