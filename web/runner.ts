// Starts a program of the page through the public browser API
// (wasock/browser): its module, the network chosen in the top bar, its
// output, trace events, denials and /data to the pane.

import { start, type BrowserProgram, type DirEntry, type TraceEvent } from '../host/src/api/browser.js';
import type { Network } from './network.js';

export interface RunSinks {
  output(fd: 1 | 2, bytes: Uint8Array): void;
  deny(line: string): void;
  trace(event: TraceEvent, at: number): void;
  /** The program's directory as it changes, and at its end. */
  dir(entries: DirEntry[]): void;
}

export class Runner {
  constructor(private readonly network: Network, private readonly workerUrl: URL, private readonly hostMode: 'worker' | 'jspi') {}

  /** Starts `module` with `dir` as its /data. The page's own policy is the default one, loopback only; the relay enforces its own as well. */
  start(module: WebAssembly.Module, argv: string[], dir: DirEntry[], sinks: RunSinks): Promise<BrowserProgram> {
    return start(module, {
      argv0: argv[0],
      args: argv.slice(1),
      network: this.network.current(),
      workerUrl: this.workerUrl,
      hostMode: this.hostMode,
      stdout: (bytes) => sinks.output(1, bytes),
      stderr: (bytes) => sinks.output(2, bytes),
      denied: sinks.deny,
      trace: sinks.trace,
      files: dir,
      filesChanged: sinks.dir,
    });
  }
}
