// node host/relay.js [options]: serves the demo page (build/web) and the
// WebSocket relay on one loopback port until interrupted.

import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { parseAllowNet } from '../net/policy.js';
import { createRelayServer } from '../relay/server.js';
import { parseRelayArgs, RELAY_USAGE, RelayUsageError } from './relay-args.js';

function fail(message: string): never {
  process.stderr.write(`wasock relay: ${message}\n`);
  process.exit(2);
}

/** `wasock relay` / `wasock web` (and node host/relay.js): runs until SIGINT or SIGTERM. */
export async function relayMain(argv: string[], options: { requirePage?: boolean } = {}): Promise<void> {
  let args;
  try {
    args = parseRelayArgs(argv);
  } catch (err) {
    if (err instanceof RelayUsageError) fail(`${err.message}\n${RELAY_USAGE}`);
    throw err;
  }
  if (args.help) {
    process.stdout.write(RELAY_USAGE);
    return;
  }
  let policy;
  try {
    policy = parseAllowNet(args.allowNet);
  } catch (err) {
    fail((err as Error).message);
  }
  // This file is bundled to build/host/relay.js; the page is in build/web.
  const staticDir = fileURLToPath(new URL('../web/', import.meta.url));
  if (!existsSync(staticDir)) {
    if (options.requirePage) fail(`the demo page is not built (${staticDir} is missing); run ./build.sh`);
    process.stderr.write(`wasock relay: ${staticDir} is missing (run ./build.sh); serving the relay only\n`);
  }
  let relay;
  try {
    relay = await createRelayServer({
      port: args.port,
      allowNet: args.allowNet,
      listenPorts: args.listenPorts,
      staticDir,
      log: (line) => process.stderr.write(`wasock ${line}\n`),
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') fail(`port ${args.port} is in use (choose another with --port N)`);
    fail((err as Error).message);
  }
  const ports = relay.rules.listenPorts;
  process.stdout.write(
    `wasock relay listening on 127.0.0.1:${relay.port}\n` +
    `${policy.describe().split(';')[0]}; pages may listen on ports ${ports.lo}-${ports.hi}\n` +
    `open the demo: ${relay.url}\n`,
  );
  const stop = () => {
    void relay.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

