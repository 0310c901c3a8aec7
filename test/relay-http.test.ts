// The relay's HTTP side: the page's files with the isolation headers and the
// right types, no way out of the directory, and the WebSocket endpoint's
// admission (token, Origin, Host, subprotocol, connection cap).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { RelayServer } from '../host/src/relay/server.js';
import { resolvePath } from '../host/src/relay/static-files.js';
import { RELAY_SUBPROTOCOL } from '../host/src/relay/protocol.js';
import { openBackend, startRelay } from './helpers/relay.js';

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with the exact path given (no normalisation on the way). */
function get(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The HTTP status of a refused WebSocket handshake (101 when it was accepted). */
function handshake(url: string, options: { origin?: string; protocols?: string[]; headers?: Record<string, string> } = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options.protocols ?? [RELAY_SUBPROTOCOL], { origin: options.origin, headers: options.headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(-1));
  });
}

function expectIsolation(headers: http.IncomingHttpHeaders): void {
  expect({
    coop: headers['cross-origin-opener-policy'],
    coep: headers['cross-origin-embedder-policy'],
    corp: headers['cross-origin-resource-policy'],
  }).toEqual({ coop: 'same-origin', coep: 'require-corp', corp: 'same-origin' });
}

describe('relay HTTP server', () => {
  let dir: string;
  let site: string;
  let relay: RelayServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasock-relay-'));
    site = join(dir, 'site');
    mkdirSync(join(site, 'sub'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>wasock</title>');
    writeFileSync(join(site, 'app.js'), 'export {};');
    writeFileSync(join(site, 'worker.mjs'), 'export {};');
    writeFileSync(join(site, 'prog.wasm'), Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
    writeFileSync(join(site, 'sub', 'index.html'), 'sub');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    symlinkSync(join(dir, 'secret.txt'), join(site, 'link.txt'));
    relay = await startRelay({ staticDir: site, limits: { maxConnections: 2 } });
  });

  afterAll(async () => {
    await relay?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a page URL with the token, on loopback', () => {
    expect(relay.url).toBe(`http://127.0.0.1:${relay.port}/?token=${relay.token}`);
    expect(relay.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves files with the right content types and the isolation headers', async () => {
    const cases: [string, string][] = [
      ['/', 'text/html; charset=utf-8'],
      ['/index.html', 'text/html; charset=utf-8'],
      ['/app.js', 'text/javascript; charset=utf-8'],
      ['/worker.mjs', 'text/javascript; charset=utf-8'],
      ['/prog.wasm', 'application/wasm'],
      ['/sub/', 'text/html; charset=utf-8'],
      ['/sub', 'text/html; charset=utf-8'],
      [`/?token=${relay.token}`, 'text/html; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const got = await get(relay.port, path);
      expect({ path, status: got.status, type: got.headers['content-type'] }).toEqual({ path, status: 200, type });
      expectIsolation(got.headers);
    }
    const head = await get(relay.port, '/prog.wasm', { method: 'HEAD' });
    expect({ status: head.status, length: head.headers['content-length'], body: head.body }).toEqual({ status: 200, length: '8', body: '' });
  });

  it('never serves anything outside the directory', async () => {
    const attempts = [
      '/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/sub/..%2f..%2fsecret.txt', '/..%5csecret.txt',
      '/sub/%2e%2e/%2e%2e/secret.txt', '/link.txt', '/index.html%00.js', '/%zz', '//etc/passwd', '/nope.html',
    ];
    for (const path of attempts) {
      const got = await get(relay.port, path);
      expect({ path, status: got.status, leaked: got.body.includes('secret') && !got.body.includes('not found') }).toEqual({ path, status: 404, leaked: false });
      expectIsolation(got.headers);
    }
  });

  it('resolvePath decodes segment by segment and refuses escapes', () => {
    expect(resolvePath('/srv', '/a/b%20c.js')).toBe('/srv/a/b c.js');
    expect(resolvePath('/srv', '/')).toBe('/srv');
    for (const bad of ['/..', '/a/%2e%2e', '/a%2fb', '/a%5cb', '/a%00', '/%E0%A4%A']) expect(resolvePath('/srv', bad)).toBeNull();
  });

  it('answers other methods with 405', async () => {
    const got = await get(relay.port, '/index.html', { method: 'POST' });
    expect(got.status).toBe(405);
    expectIsolation(got.headers);
  });

  it('answers a plain GET of /relay with 403 for a bad token and 426 for a good one', async () => {
    expect((await get(relay.port, '/relay')).status).toBe(403);
    expect((await get(relay.port, '/relay?token=nope')).status).toBe(403);
    const ok = await get(relay.port, `/relay?token=${relay.token}`);
    expect(ok.status).toBe(426);
    expectIsolation(ok.headers);
  });

  it('refuses the WebSocket without the token, with a wrong one, from a foreign Origin or Host (403)', async () => {
    const base = `ws://127.0.0.1:${relay.port}/relay`;
    expect(await handshake(base)).toBe(403);
    expect(await handshake(`${base}?token=`)).toBe(403);
    expect(await handshake(`${base}?token=${relay.token}x`)).toBe(403);
    expect(await handshake(`${base}?token=${relay.token.slice(1)}`)).toBe(403);
    expect(await handshake(relay.relayUrl, { origin: 'http://evil.invalid' })).toBe(403);
    expect(await handshake(relay.relayUrl, { origin: `http://127.0.0.1:${relay.port + 1}` })).toBe(403);
    expect(await handshake(relay.relayUrl, { origin: 'null' })).toBe(403);
    expect(await handshake(relay.relayUrl, { headers: { Host: `evil.invalid:${relay.port}` } })).toBe(403);
  });

  it('accepts the page’s own origin under every loopback name, and programs without an Origin', async () => {
    for (const origin of [`http://127.0.0.1:${relay.port}`, `http://localhost:${relay.port}`, undefined]) {
      expect(await handshake(relay.relayUrl, { origin })).toBe(101);
    }
    expect(await handshake(`ws://localhost:${relay.port}/relay?token=${relay.token}`, { origin: `http://localhost:${relay.port}` })).toBe(101);
    expect(await handshake(relay.relayUrl, { protocols: [] })).toBe(101);
  });

  it('refuses other paths (404) and other subprotocols (400)', async () => {
    expect(await handshake(`ws://127.0.0.1:${relay.port}/other?token=${relay.token}`)).toBe(404);
    expect(await handshake(relay.relayUrl, { protocols: ['chat'] })).toBe(400);
  });

  it('refuses pages beyond the connection cap with 503, and admits again once one leaves', async () => {
    const a = await openBackend(relay);
    const b = await openBackend(relay);
    expect(await handshake(relay.relayUrl)).toBe(503);
    a.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await handshake(relay.relayUrl)).toBe(101);
    b.close();
  });

  it('refuses to listen on anything but loopback', async () => {
    const { createRelayServer } = await import('../host/src/relay/server.js');
    await expect(createRelayServer({ port: 0, host: 'relay.example.invalid', staticDir: null })).rejects.toThrow(/loopback/);
  });

  it('says what is missing when the page is not built', async () => {
    const bare = await startRelay({ staticDir: join(dir, 'missing') });
    const got = await get(bare.port, '/');
    expect(got.status).toBe(404);
    expect(got.body).toMatch(/build\.sh/);
    await bare.close();
  });
});
