#!/usr/bin/env node
// The relay half of the soak: BYTES through `node host/relay.js` with the
// page's relay client (RelayBackend, from Node) at one end and a peer on
// 127.0.0.1 at the other, SHA-256 compared on both ends, both directions.
//
//   node bench/soak/relay-soak.mjs [--bytes=1G] [--peer=node|native] [--json]
//
// The exchange is integrity_client/integrity_server's (c-src/tests): the
// page sends BYTES and half-closes; the peer reads to EOF, then sends BYTES
// of its own and closes; each end hashes what it sent and what it received.
// --peer=node (default) is a Node peer in this process; --peer=native runs
// build/native/integrity_server. Exit status 0 when all four hashes agree.
//
// As a module: `const r = await runRelaySoak({ bytes, peer, log })` resolves
// with { ok, up, down, relay } (see the end of runRelaySoak); `npm test`
// runs it with 64 MiB (test/relay-soak.test.ts). `soakPart(bytes, { log })`
// gives tools/soak.mjs its { name, ok, figure, problems } for the relay part,
// with the native peer when it is built.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { WebSocket } from 'ws';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** No byte moving for this long in either direction fails the run. */
const STALL_MS = 30_000;
const PIECE = 256 * 1024;

/** The page's relay client, bundled from host/src (it is TypeScript) into a temporary module. */
async function loadRelayBackend() {
  const out = await build({
    entryPoints: [join(ROOT, 'host', 'src', 'net', 'relay-backend.ts')],
    bundle: true,
    write: false,
    platform: 'neutral',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  const dir = mkdtempSync(join(tmpdir(), 'wasock-relay-soak-'));
  const file = join(dir, 'relay-backend.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rssKiB(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** `node host/relay.js --port 0`; resolves with its page URL once it prints it. */
function startRelay() {
  const relayJs = join(ROOT, 'host', 'relay.js');
  if (!existsSync(join(ROOT, 'build', 'host', 'relay.js'))) throw new Error('the relay is not built (build/host/relay.js): run ./build.sh');
  const child = spawn(process.execPath, [relayJs, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4096)));
  const url = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /open the demo: (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the relay exited (${code}) before printing its URL: ${out}${err}`)));
  });
  return { child, url, stderr: () => err };
}

/** The stream a page or Node peer sends: random blocks, each stamped with its index (no two alike). */
function streamSource(bytes) {
  const base = randomBytes(4 << 20);
  let sent = 0;
  let index = 0;
  return {
    next() {
      if (sent >= bytes) return null;
      const n = Math.min(PIECE, bytes - sent);
      const at = (index * 7919 * 4096) % (base.length - PIECE);
      const piece = Buffer.from(base.subarray(at, at + n));
      if (n >= 8) piece.writeBigUInt64LE(BigInt(index), 0);
      index++;
      sent += n;
      return piece;
    },
  };
}

/**
 * A reader that takes its time: after every `everyBytes` it stops reading for
 * `pauseMs` (a paused socket or stream), so the sender outruns it and only
 * flow control — credit windows, the kernel's TCP window — can hold the
 * bytes back. Returns a function to call with each chunk received.
 */
function slowDown(slowReader, pause, resume) {
  if (!slowReader) return () => {};
  let since = 0;
  return (n) => {
    since += n;
    if (since < slowReader.everyBytes) return;
    since = 0;
    pause();
    setTimeout(resume, slowReader.pauseMs);
  };
}

/** A peer in this process speaking integrity_server's exchange. */
async function nodePeer(bytes, slowReader) {
  const result = { received: 0, receivedSha: '', sent: 0, sentSha: '' };
  let peerSocket = null;
  let done;
  const finished = new Promise((resolve, reject) => (done = { resolve, reject }));
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    server.close();
    peerSocket = socket;
    const inHash = createHash('sha256');
    const took = slowDown(slowReader, () => socket.pause(), () => socket.resume());
    socket.on('data', (d) => {
      inHash.update(d);
      result.received += d.length;
      took(d.length);
    });
    socket.on('error', (e) => done.reject(e));
    socket.on('end', () => {
      result.receivedSha = inHash.digest('hex');
      const outHash = createHash('sha256');
      const source = streamSource(bytes);
      const pump = () => {
        for (let piece = source.next(); piece; piece = source.next()) {
          outHash.update(piece);
          result.sent += piece.length;
          if (!socket.write(piece)) return void socket.once('drain', pump);
        }
        result.sentSha = outHash.digest('hex');
        socket.end(() => done.resolve(result));
      };
      pump();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Live counts for the in-flight figures: bytes received, and bytes handed to the kernel (written minus Node's own queue).
  const progress = { received: () => result.received, sent: () => (peerSocket ? peerSocket.bytesWritten - peerSocket.writableLength : 0) };
  return { port: server.address().port, finished, close: () => server.close(), progress };
}

/** build/native/integrity_server on a free port; its report lines are parsed at the end. */
async function nativePeer(bytes) {
  const program = join(ROOT, 'build', 'native', 'integrity_server');
  if (!existsSync(program)) throw new Error(`${program} is missing: run ./build.sh (or use --peer=node)`);
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn(program, [String(port), String(bytes)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
  const finished = new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const got = /received (\d+) bytes sha256 ([0-9a-f]{64})/.exec(out);
      const sent = /sent (\d+) bytes sha256 ([0-9a-f]{64})/.exec(out);
      if (code !== 0 || !got || !sent) return reject(new Error(`integrity_server exited ${code}: ${out.trim()}`));
      resolve({ received: Number(got[1]), receivedSha: got[2], sent: Number(sent[1]), sentSha: sent[2] });
    });
  });
  // It serves one connection only, so wait until it listens without connecting to it.
  for (let i = 0; i < 500 && !listening(port); i++) await new Promise((r) => setTimeout(r, 10));
  return { port, finished, close: () => child.kill('SIGKILL') };
}

/** Is something listening on 127.0.0.1:port? (/proc/net/tcp, state 0A.) */
function listening(port) {
  const hex = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  try {
    return readFileSync('/proc/net/tcp', 'utf8').split('\n').some((line) => line.trim().split(/\s+/)[1] === hex && line.trim().split(/\s+/)[3] === '0A');
  } catch {
    return true;
  }
}

/**
 * Runs the soak. Options: bytes (default 1 GiB), peer ('node' | 'native'),
 * log (a line sink, default stderr). Never throws for a mismatch: `ok` says.
 */
export async function runRelaySoak({ bytes = 2 ** 30, peer = 'node', log = (line) => process.stderr.write(`${line}\n`), slowReader = null } = {}) {
  if (slowReader && peer !== 'node') throw new Error('slowReader needs the node peer');
  const { RelayBackend, relayUrl } = await loadRelayBackend();
  const relay = startRelay();
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssKiB(relay.child.pid))), 100);
  const target = peer === 'native' ? await nativePeer(bytes) : await nodePeer(bytes, slowReader);
  let backend;
  try {
    const url = relayUrl(await relay.url);
    backend = await RelayBackend.open(url, (u, p) => new WebSocket(u, p));
    const rssStart = rssKiB(relay.child.pid);
    log(`relay soak: ${bytes} B each way, page (RelayBackend) ⇄ node host/relay.js ⇄ ${peer} peer on 127.0.0.1:${target.port}${slowReader ? `; both readers pause ${slowReader.pauseMs} ms every ${slowReader.everyBytes} B` : ''}`);
    const stream = await backend.connect({ family: 4, ip: '127.0.0.1', port: target.port }, null);
    // In flight: bytes one end has handed over and the other end has not yet
    // received — what the relay, the kernel's socket buffers and the page's
    // one pending write hold between them. Flow control bounds it whatever
    // the transfer size; a relay that buffered a direction would let it grow
    // towards the whole transfer. (Node peer only: the native one reports at the end.)
    const inFlight = { upPeak: 0, downPeak: 0 };
    let sent = 0;
    let received = 0;
    const flightSampler = target.progress && setInterval(() => {
      inFlight.upPeak = Math.max(inFlight.upPeak, sent - target.progress.received());
      inFlight.downPeak = Math.max(inFlight.downPeak, target.progress.sent() - received);
    }, 5);

    const inHash = createHash('sha256');
    let ended = false;
    let failed = 0;
    let wake = () => {};
    let drained = () => {};
    const took = slowDown(slowReader, () => stream.pause(), () => stream.resume());
    stream.attach({
      data: (chunk) => {
        inHash.update(chunk);
        received += chunk.length;
        took(chunk.length);
        wake();
      },
      end: () => {
        ended = true;
        wake();
      },
      error: (errno) => {
        failed = errno;
        wake();
        drained();
      },
      drain: () => drained(),
    });
    /** Resolves when cond() holds; fails on a stream error or when nothing arrives for STALL_MS. */
    const waitFor = (cond, what) => new Promise((resolve, reject) => {
      let last = received;
      let timer;
      const finish = (err) => {
        clearInterval(timer);
        wake = () => {};
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (failed) finish(new Error(`the stream failed with errno ${failed} (${what})`));
        else if (cond()) finish();
      };
      timer = setInterval(() => {
        if (received === last) finish(new Error(`no progress for ${STALL_MS / 1000} s (${what}, ${received} B received)`));
        last = received;
      }, STALL_MS);
      wake = check;
      check();
    });

    // Page → peer.
    const t0 = performance.now();
    const outHash = createHash('sha256');
    const source = streamSource(bytes);
    for (let piece = source.next(); piece; piece = source.next()) {
      outHash.update(piece);
      sent += piece.length;
      if (!stream.write(piece)) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`write stalled for ${STALL_MS / 1000} s at ${sent} B`)), STALL_MS);
          drained = () => {
            clearTimeout(timer);
            if (failed) reject(new Error(`the stream failed with errno ${failed} while sending`));
            else resolve();
          };
        });
      }
      if (failed) throw new Error(`the stream failed with errno ${failed} while sending`);
    }
    stream.end();
    const sentSha = outHash.digest('hex');
    // The peer answers once it has read everything: the first byte back marks the end of the upload.
    await waitFor(() => received > 0 || ended, 'the peer reading the upload');
    const t1 = performance.now();
    await waitFor(() => ended, 'the download');
    const t2 = performance.now();
    const receivedSha = inHash.digest('hex');
    const far = await target.finished;
    if (flightSampler) clearInterval(flightSampler);
    const up = { bytes: sent, seconds: (t1 - t0) / 1000, pageSha: sentSha, peerBytes: far.received, peerSha: far.receivedSha };
    const down = { bytes: received, seconds: (t2 - t1) / 1000, pageSha: receivedSha, peerBytes: far.sent, peerSha: far.sentSha };
    up.ok = up.bytes === bytes && up.peerBytes === bytes && up.pageSha === up.peerSha;
    down.ok = down.bytes === bytes && down.peerBytes === bytes && down.pageSha === down.peerSha;
    const mbps = (d) => (d.bytes / 1e6 / d.seconds).toFixed(0);
    log(`  page → peer: ${up.bytes} B in ${up.seconds.toFixed(2)} s (${mbps(up)} MB/s); sha256 page ${up.pageSha} ${up.ok ? '=' : '≠'} peer ${up.peerSha}${up.peerBytes !== up.bytes ? ` (peer got ${up.peerBytes} B)` : ''}`);
    log(`  peer → page: ${down.bytes} B in ${down.seconds.toFixed(2)} s (${mbps(down)} MB/s); sha256 page ${down.pageSha} ${down.ok ? '=' : '≠'} peer ${down.peerSha}${down.peerBytes !== down.bytes ? ` (peer sent ${down.peerBytes} B)` : ''}`);
    rssPeak = Math.max(rssPeak, rssKiB(relay.child.pid));
    log(`  relay RSS: ${(rssStart / 1024).toFixed(0)} MiB connected, peak ${(rssPeak / 1024).toFixed(0)} MiB`);
    const ok = up.ok && down.ok && backend.goneReason === null;
    log(`relay soak: ${ok ? 'PASS' : 'FAIL'}`);
    if (target.progress) log(`  in flight at most: ${(inFlight.upPeak / 1024).toFixed(0)} KiB page → peer, ${(inFlight.downPeak / 1024).toFixed(0)} KiB peer → page`);
    return { ok, up, down, relay: { rssStartKiB: rssStart, rssPeakKiB: rssPeak }, inFlight: target.progress ? inFlight : null };
  } finally {
    clearInterval(sampler);
    backend?.close();
    target.close();
    relay.child.kill('SIGTERM');
  }
}

/** The relay part of `npm run soak` (tools/soak.mjs), in that runner's result shape. */
export async function soakPart(bytes, { log } = {}) {
  const peer = existsSync(join(ROOT, 'build', 'native', 'integrity_server')) ? 'native' : 'node';
  try {
    const r = await runRelaySoak({ bytes, peer, log });
    const mbps = (d) => (d.bytes / 1e6 / d.seconds).toFixed(0);
    const problems = [];
    for (const [what, d] of [['page→peer', r.up], ['peer→page', r.down]]) {
      if (!d.ok) problems.push(`${what}: page ${d.bytes} B sha256 ${d.pageSha}, ${peer} peer ${d.peerBytes} B sha256 ${d.peerSha}`);
    }
    return {
      name: 'relay',
      ok: r.ok,
      figure: `${bytes} B each way between RelayBackend and a ${peer} peer through node host/relay.js: ` +
        `${mbps(r.up)} MB/s up, ${mbps(r.down)} MB/s down, sha256 equal on both ends; relay RSS peak ${(r.relay.rssPeakKiB / 1024).toFixed(0)} MiB`,
      problems: problems.length || r.ok ? problems : ['the relay connection was lost'],
    };
  } catch (err) {
    return { name: 'relay', ok: false, problems: [String(err?.message ?? err)] };
  }
}

function parseBytes(text) {
  const m = /^(\d+)([KMG]?)$/i.exec(text);
  if (!m) throw new Error(`--bytes ${text}: expected a number with an optional K, M or G suffix`);
  return Number(m[1]) * { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2].toUpperCase()];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opts = { bytes: 2 ** 30, peer: 'node', json: false };
  for (const arg of process.argv.slice(2)) {
    const [k, v] = arg.split(/=(.*)/s);
    if (k === '--bytes' && v) opts.bytes = parseBytes(v);
    else if (k === '--peer' && (v === 'node' || v === 'native')) opts.peer = v;
    else if (k === '--json') opts.json = true;
    else {
      process.stderr.write(`relay-soak: unknown argument ${arg}\nusage: node bench/soak/relay-soak.mjs [--bytes=1G] [--peer=node|native] [--json]\n`);
      process.exit(2);
    }
  }
  try {
    const r = await runRelaySoak(opts);
    if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    process.exit(r.ok ? 0 : 1);
  } catch (err) {
    process.stderr.write(`relay soak: FAIL: ${err.message}\n`);
    process.exit(1);
  }
}
