// The relay: one HTTP server on a loopback address that serves the demo
// page and accepts the page's WebSocket on /relay. Each WebSocket becomes a
// RelaySession that performs real socket operations on this host within the
// network policy and the limits.

import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { WebSocketServer } from 'ws';
import { NodeBackend } from '../net/node-backend.js';
import type { NetBackend } from '../net/backend.js';
import { parseAllowNet } from '../net/policy.js';
import { RELAY_PATH, RELAY_SUBPROTOCOL } from './protocol.js';
import { DEFAULT_LISTEN_PORTS, parsePortRange, RelayRules, resolveLimits, type PortRange, type RelayLimits } from './limits.js';
import { AccessGate, isLoopbackHost, newToken, urlHost } from './access.js';
import { ISOLATION_HEADERS, plain, StaticFiles } from './static-files.js';
import { RelaySession, type SessionStats } from './session.js';

export interface RelayServerOptions {
  /** TCP port of the HTTP server; 0 picks a free one. Default 8000. */
  port?: number;
  /** A loopback address or `localhost`. Default 127.0.0.1. */
  host?: string;
  /** The network policy, in `--allow-net` syntax: undefined = loopback only, true = everything. */
  allowNet?: string | true;
  /** Local ports a page may listen on or bind explicitly ("LO-HI" or a range). Default 1024-65535. */
  listenPorts?: PortRange | string;
  /** Directory of the page's files; default `build/web` under the working directory; null serves none. */
  staticDir?: string | null;
  limits?: Partial<RelayLimits>;
  /** More origins allowed to open the relay (e.g. a development server's). */
  origins?: string[];
  /** One line per page connecting or leaving. */
  log?: (line: string) => void;
  /** Performs the real operations; default the node backend. */
  backend?: NetBackend;
}

export interface RelayServer {
  /** The page's URL, token included: http://127.0.0.1:PORT/?token=… */
  readonly url: string;
  /** The WebSocket endpoint, token included: ws://127.0.0.1:PORT/relay?token=… */
  readonly relayUrl: string;
  readonly token: string;
  readonly port: number;
  readonly rules: RelayRules;
  readonly limits: RelayLimits;
  /** Pages connected right now. */
  readonly connections: number;
  /** What each connected page holds in the relay right now (for tests and diagnostics). */
  stats(): SessionStats[];
  /** Closes every page's WebSocket (code 1001) and their sockets, then the server. */
  close(): Promise<void>;
}

/** Answers a handshake we refuse, on the raw socket, and hangs up. */
function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const body = `${text}\n`;
  const headers = {
    ...ISOLATION_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${head}\r\n${body}`, () => socket.destroy());
}

function offeredProtocols(header: string | undefined): string[] {
  return header === undefined ? [] : header.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export async function createRelayServer(options: RelayServerOptions = {}): Promise<RelayServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new Error(`the relay listens on loopback only, not ${host}`);
  const limits = resolveLimits(options.limits);
  const listenPorts = typeof options.listenPorts === 'string' ? parsePortRange(options.listenPorts) : options.listenPorts ?? DEFAULT_LISTEN_PORTS;
  const rules = new RelayRules(parseAllowNet(options.allowNet), { ...listenPorts });
  const backend = options.backend ?? new NodeBackend();
  const staticDir = options.staticDir === undefined ? resolvePath('build', 'web') : options.staticDir;
  const files = new StaticFiles(staticDir && resolvePath(staticDir), `the page is not built (${staticDir ?? 'no directory'}); run ./build.sh`);
  const gate = new AccessGate(newToken(), options.origins ?? []);
  const log = options.log ?? (() => {});
  const sessions = new Set<RelaySession>();
  let upgrading = 0;
  let closing = false;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    // Compression would let a small frame inflate past every limit.
    perMessageDeflate: false,
    // Every text message is refused with 1003 (section 1): ws would close one
    // that is not valid UTF-8 with 1007 before the session could see it.
    skipUTF8Validation: true,
    clientTracking: false,
    handleProtocols: (offered) => (offered.has(RELAY_SUBPROTOCOL) ? RELAY_SUBPROTOCOL : false),
  });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    if (url.pathname === RELAY_PATH) {
      // Lets a page tell "token rejected" from "relay unreachable": a browser
      // does not show a refused handshake's status to the page.
      const refusal = gate.refuse(req, url.searchParams.get('token'));
      if (refusal) return plain(res, 403, refusal);
      return plain(res, 426, 'this is the WebSocket endpoint', { Upgrade: 'websocket' });
    }
    void files.serve(req, res, url.pathname).catch(() => res.destroy());
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    if (closing) return refuseUpgrade(socket, 503, 'the relay is shutting down');
    if (url.pathname !== RELAY_PATH) return refuseUpgrade(socket, 404, 'not found');
    const refusal = gate.refuse(req, url.searchParams.get('token'));
    if (refusal) return refuseUpgrade(socket, 403, refusal);
    const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
    if (offered.length > 0 && !offered.includes(RELAY_SUBPROTOCOL)) return refuseUpgrade(socket, 400, `subprotocol ${RELAY_SUBPROTOCOL} required`);
    if (sessions.size + upgrading >= limits.maxConnections) return refuseUpgrade(socket, 503, `the relay serves at most ${limits.maxConnections} pages`);
    // Counted from now, so that handshakes in progress cannot exceed the cap.
    upgrading++;
    let upgraded = false;
    socket.once('close', () => {
      if (!upgraded) upgrading--;
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      upgraded = true;
      upgrading--;
      if (closing) return ws.close(1001, 'relay shutting down');
      const who = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
      const session = new RelaySession({
        ws, backend, rules, limits,
        onEnd: (s) => {
          sessions.delete(s);
          log(`relay: page ${who} left`);
        },
      });
      ws.on('close', (code, reason) => log(`relay: page ${who} closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
      sessions.add(session);
      log(`relay: page ${who} connected`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  gate.setAddress(host, port);
  const origin = `http://${urlHost(host)}:${port}`;
  const token = gate.token;

  return {
    url: `${origin}/?token=${token}`,
    relayUrl: `ws://${urlHost(host)}:${port}${RELAY_PATH}?token=${token}`,
    token,
    port,
    rules,
    limits,
    get connections() {
      return sessions.size;
    },
    stats() {
      return [...sessions].map((s) => s.stats());
    },
    close() {
      closing = true;
      for (const session of [...sessions]) session.close(1001, 'relay shutting down');
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
