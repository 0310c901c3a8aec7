// Which host mode the suites run wasm programs in, and on which Node:
// WASOCK_HOST_MODE=jspi|worker (unset: run.js's default for the Node that
// runs the tests). JSPI on a Node without it (20–24) runs run.js on the
// project's Node 26 (tools/fetch-node.mjs, in .node26/), so one vitest on
// the machine's Node can test both modes.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from './root.js';

export type HostMode = 'jspi' | 'worker';

export const NODE26 = join(ROOT_DIR, '.node26', 'bin', 'node');

export function engineHasJspi(): boolean {
  return typeof (WebAssembly as unknown as { Suspending?: unknown }).Suspending === 'function';
}

/** The mode the suites were asked for, if any. */
export function requestedHostMode(): HostMode | undefined {
  const mode = process.env.WASOCK_HOST_MODE;
  if (mode === undefined || mode === '') return undefined;
  if (mode !== 'jspi' && mode !== 'worker') throw new Error(`WASOCK_HOST_MODE=${mode}: expected jspi or worker`);
  return mode;
}

/** Whether JSPI mode can run here (this Node has it, or .node26/ is there). */
export function jspiAvailable(): boolean {
  return engineHasJspi() || existsSync(NODE26);
}

/** The Node binary that runs host/run.js for the requested mode (`mode`: a suite's own choice instead). */
export function wasmNode(mode: HostMode | undefined = requestedHostMode()): string {
  if (mode !== 'jspi' || engineHasJspi()) return process.execPath;
  if (!existsSync(NODE26)) throw new Error(`WASOCK_HOST_MODE=jspi on Node ${process.versions.node} needs Node 26 in .node26/: run node tools/fetch-node.mjs`);
  return NODE26;
}
