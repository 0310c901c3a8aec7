// Starts a program of the page: its module, the network's backend, a worker
// running the shared host core, and its trace events into the diagram.

import { startPageGuest, type PageGuest } from '../host/src/browser/page-guest.js';
import { parseAllowNet } from '../host/src/net/policy.js';
import type { TraceEvent } from '../host/src/wasi/trace.js';
import type { DirEntry } from '../host/src/browser/memory-dir.js';
import type { Network } from './network.js';

export interface RunSinks {
  output(fd: 1 | 2, bytes: Uint8Array): void;
  deny(line: string): void;
  trace(event: TraceEvent, at: number): void;
  /** The program's directory as it changes, and at its end. */
  dir(entries: DirEntry[]): void;
}

export class Runner {
  // The page's own policy is the default one, loopback only; the relay
  // enforces its own on the real network as well.
  private readonly policy = parseAllowNet(undefined);

  constructor(private readonly network: Network, private readonly workerUrl: URL) {}

  /** Starts `module` with `dir` as its /data (host/src/browser/memory-dir.ts). */
  async start(module: WebAssembly.Module, argv: string[], dir: DirEntry[], sinks: RunSinks): Promise<PageGuest> {
    const backend = await this.network.backend();
    return startPageGuest({
      module,
      args: argv,
      policy: this.policy,
      backend,
      workerUrl: this.workerUrl,
      onOutput: sinks.output,
      onDeny: sinks.deny,
      onTrace: sinks.trace,
      dir,
      onDir: sinks.dir,
    });
  }
}
