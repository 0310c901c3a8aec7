#!/usr/bin/env node
// npm run soak [-- --bytes=1G] [--clients=1000] [--seconds=60] [--only=integrity,load,relay]
//
// The long versions of test/integrity-load.test.ts, run as a command, not a
// timed test (issue 6, "Faults and load"):
//   integrity  BYTES each way through a wasm→wasm TCP pair
//              (integrity_server/integrity_client): the SHA-256 each end
//              prints for what it sent must equal what the other end prints
//              for what it received, and a reference computed here;
//   load       a wasm poll() echo server (echo_load_server) holding CLIENTS
//              concurrent connections from a native client for SECONDS of
//              continuous traffic; the client checks every echoed byte of
//              each connection's sequence-numbered stream: nothing lost,
//              duplicated or reordered, and no call fails on either side;
//   relay      BYTES each way through the relay: the relay's own soak
//              (bench/soak/relay-soak.mjs, soakPart()); when that is not
//              there this part says "not run" and why (it is never faked).
// Loopback only. Exit status 0 when everything that ran passed.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLIENT_SEED, SERVER_SEED, streamSha256 } from './stream-hash.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_JS = join(ROOT, 'host', 'run.js');
const wasm = (name) => join(ROOT, 'build', 'wasm', `${name}.wasm`);
const native = (name) => join(ROOT, 'build', 'native', name);
const log = (line) => process.stderr.write(`${line}\n`);

function parseArgs(argv) {
  const opts = { bytes: '1G', clients: 1000, seconds: 60, only: ['integrity', 'load', 'relay'] };
  for (const a of argv) {
    const [k, v] = a.split(/=(.*)/s);
    if (k === '--bytes' && /^\d+[KMG]?$/.test(v ?? '')) opts.bytes = v;
    else if (k === '--clients' && Number(v) >= 1 && Number(v) <= 1000) opts.clients = Number(v);
    else if (k === '--seconds' && Number(v) >= 1) opts.seconds = Number(v);
    else if (k === '--only' && v) opts.only = v.split(',');
    else {
      log(`soak: bad argument ${a}\nusage: npm run soak [-- --bytes=1G] [--clients=1000] [--seconds=60] [--only=integrity,load,relay]`);
      process.exit(2);
    }
  }
  return opts;
}

function byteCount(text) {
  const m = /^(\d+)([KMG]?)$/.exec(text);
  return Number(m[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2]];
}

/** Runs a program to its end (killed after `timeoutMs`); resolves with its outcome and output. */
function runProgram(cmd, args, timeoutMs) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done };
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits until something listens on `port` (read from /proc/net, so the probe takes no connection). */
async function waitListening(port, alive, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the server exited before listening on ${port}`);
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length > 3 && parseInt(f[1].split(':').pop(), 16) === port && f[3] === '0A') return;
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listened on ${port} within ${timeoutMs} ms`);
}

/** A server program and then a client program against it; both must end. */
async function pair(server, client, args, timeoutMs) {
  const port = await freePort();
  const s = runProgram(server[0], [...server.slice(1), String(port), ...args], timeoutMs);
  let exited = false;
  void s.done.then(() => (exited = true));
  await waitListening(port, () => !exited);
  const c = await runProgram(client[0], [...client.slice(1), String(port), ...args], timeoutMs).done;
  return { server: await s.done, client: c };
}

function ended(r) {
  return r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
}

// ---- the scenarios -----------------------------------------------------------

async function integrity(bytesText) {
  const bytes = byteCount(bytesText);
  log(`integrity: ${bytesText} each way through a wasm→wasm TCP pair…`);
  const started = performance.now();
  const r = await pair([process.execPath, RUN_JS, wasm('integrity_server')], [process.execPath, RUN_JS, wasm('integrity_client')], [bytesText], 30 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  const problems = [];
  for (const [who, x] of [['server', r.server], ['client', r.client]]) {
    if (x.code !== 0) problems.push(`${who}: ${ended(x)}`);
    if (x.stderr) problems.push(`${who} stderr: ${x.stderr.trim()}`);
  }
  const grab = (text, verb) => /(\d+) bytes sha256 ([0-9a-f]{64})/.exec(text.split('\n').find((l) => l.startsWith(verb)) ?? '');
  const [cs, cr, ss, sr] = [grab(r.client.stdout, 'sent'), grab(r.client.stdout, 'received'), grab(r.server.stdout, 'sent'), grab(r.server.stdout, 'received')];
  if (!cs || !cr || !ss || !sr) problems.push(`unexpected output: client ${JSON.stringify(r.client.stdout)} server ${JSON.stringify(r.server.stdout)}`);
  log('integrity: computing the reference hashes…');
  const up = streamSha256(CLIENT_SEED, bytes);
  const down = streamSha256(SERVER_SEED, bytes);
  if (cs && sr) {
    if (Number(sr[1]) !== bytes) problems.push(`server received ${sr[1]} bytes, not ${bytes}`);
    if (sr[2] !== cs[2] || cs[2] !== up) problems.push(`client→server: sent ${cs[2]}, received ${sr[2]}, reference ${up}`);
  }
  if (ss && cr) {
    if (Number(cr[1]) !== bytes) problems.push(`client received ${cr[1]} bytes, not ${bytes}`);
    if (cr[2] !== ss[2] || ss[2] !== down) problems.push(`server→client: sent ${ss[2]}, received ${cr[2]}, reference ${down}`);
  }
  return {
    name: 'integrity',
    ok: problems.length === 0,
    figure: `${bytesText} each way in ${seconds.toFixed(1)} s (${((2 * bytes) / seconds / 1e6).toFixed(0)} MB/s incl. hashing); ` +
      `sha256 client→server ${up.slice(0, 16)}…, server→client ${down.slice(0, 16)}…, equal on both ends`,
    problems,
  };
}

async function load(clients, seconds) {
  log(`load: a wasm poll() echo server, ${clients} native clients, ${seconds} s of traffic…`);
  const args = [String(clients), String(seconds), 'stats'];
  const r = await pair([process.execPath, RUN_JS, wasm('echo_load_server')], [native('echo_load_client')], args, (seconds + 120) * 1000);
  const problems = [];
  for (const [who, x] of [['server', r.server], ['client', r.client]]) {
    if (x.code !== 0) problems.push(`${who}: ${ended(x)}`);
    if (x.stderr) problems.push(`${who} stderr: ${x.stderr.trim()}`);
  }
  if (!r.client.stdout.includes(`streams intact ${clients} of ${clients}\n`)) problems.push(`client: ${r.client.stdout.trim()}`);
  if (!r.client.stdout.includes('errors 0, early EOF 0, corrupt 0\n')) problems.push(`client: ${r.client.stdout.trim()}`);
  if (!r.server.stdout.startsWith(`accepted ${clients}, closed ${clients}\nerrors 0\n`)) problems.push(`server: ${r.server.stdout.trim()}`);
  const echoedClient = Number(/echoed (\d+) bytes/.exec(r.client.stdout)?.[1]);
  const echoedServer = Number(/echoed (\d+) bytes/.exec(r.server.stdout)?.[1]);
  if (echoedClient !== echoedServer) problems.push(`the client got back ${echoedClient} bytes, the server echoed ${echoedServer}`);
  const rate = /echoed \d+ bytes in ([\d.]+) s \(([\d.]+) MB\/s\)/.exec(r.client.stdout);
  return {
    name: 'load',
    ok: problems.length === 0,
    figure: `${clients} clients × ${rate?.[1] ?? '?'} s: ${(echoedClient / 2 ** 20).toFixed(0)} MiB echoed (${rate?.[2] ?? '?'} MB/s), ` +
      `every stream intact, 0 errors`,
    problems: [...new Set(problems)],
  };
}

/**
 * Hook for the relay half of the soak (BYTES through the wasock relay, SHA-256
 * on both ends), which belongs with the relay's own code:
 * bench/soak/relay-soak.mjs's soakPart(). When that is not there, this
 * reports that the part did not run — it never passes by default.
 */
async function relaySoak(bytesText) {
  const file = join(ROOT, 'bench', 'soak', 'relay-soak.mjs');
  if (!existsSync(file)) return { name: 'relay', ok: null, reason: 'bench/soak/relay-soak.mjs is not there (hook: relaySoak() in tools/soak.mjs)' };
  const mod = await import(pathToFileURL(file).href);
  if (typeof mod.soakPart !== 'function') return { name: 'relay', ok: null, reason: 'bench/soak/relay-soak.mjs has no soakPart() (hook: relaySoak() in tools/soak.mjs)' };
  log(`relay: ${bytesText} each way through the relay…`);
  return mod.soakPart(byteCount(bytesText), { log });
}

// ---- main ---------------------------------------------------------------------

const opts = parseArgs(process.argv.slice(2));
const needed = [wasm('integrity_server'), wasm('integrity_client'), wasm('echo_load_server'), native('echo_load_client')];
const missing = needed.filter((p) => !existsSync(p));
if (missing.length) {
  log(`soak: missing ${missing.join(', ')}: run ./build.sh first`);
  process.exit(2);
}

const results = [];
for (const name of opts.only) {
  try {
    if (name === 'integrity') results.push(await integrity(opts.bytes));
    else if (name === 'load') results.push(await load(opts.clients, opts.seconds));
    else if (name === 'relay') results.push(await relaySoak(opts.bytes));
    else results.push({ name, ok: false, problems: [`unknown part ${name}`] });
  } catch (err) {
    results.push({ name, ok: false, problems: [String(err?.message ?? err)] });
  }
}

for (const r of results) {
  if (r.ok === null) console.log(`${r.name}: not run: ${r.reason}`);
  else if (r.ok) console.log(`${r.name}: ok: ${r.figure}`);
  else console.log(`${r.name}: FAILED: ${r.problems.join('; ')}`);
}
process.exit(results.some((r) => r.ok === false) ? 1 : 0);
