// Command line of `node host/relay.js`.

import { parsePortRange, type PortRange } from '../relay/limits.js';

export interface RelayArgs {
  help: boolean;
  port: number;
  allowNet: string | true | undefined;
  listenPorts: PortRange | undefined;
}

export const RELAY_USAGE = `usage: node host/relay.js [options]

Serves the wasock demo page and the WebSocket relay on one loopback port,
and prints the page's URL with a fresh access token. The relay opens real
sockets on this machine for the page, within the network policy.

options:
  --port N               HTTP port (default 8000; 0 picks a free one)
  --allow-net[=LIST]     widen the network policy; bare: everything. LIST is
                         HOST_OR_CIDR[:PORT|:LO-HI],... and replaces the
                         default (loopback only: 127.0.0.0/8 and ::1)
  --listen-ports LO-HI   local ports a page may listen on or bind
                         (default 1024-65535; port 0 is always allowed)
  --help                 show this help
`;

export class RelayUsageError extends Error {}

export function parseRelayArgs(argv: string[]): RelayArgs {
  const out: RelayArgs = { help: false, port: 8000, allowNet: undefined, listenPorts: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new RelayUsageError(`${name} needs a value`);
      return next;
    };
    if (name === '--help' || name === '-h') out.help = true;
    else if (arg === '--allow-net') out.allowNet = true;
    else if (name === '--allow-net') out.allowNet = arg.slice(eq + 1);
    else if (name === '--port') {
      const v = value();
      const n = Number(v);
      if (!/^[0-9]+$/.test(v) || n > 65535) throw new RelayUsageError(`--port ${v}: expected a port number from 0 to 65535`);
      out.port = n;
    } else if (name === '--listen-ports') {
      const v = value();
      try {
        out.listenPorts = parsePortRange(v);
      } catch (err) {
        throw new RelayUsageError(`--listen-ports: ${(err as Error).message}`);
      }
    } else {
      throw new RelayUsageError(`unknown option ${arg}`);
    }
  }
  return out;
}
