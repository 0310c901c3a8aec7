// --dir HOST[:GUEST[:ro]] in Node: each mapping becomes a preopened
// directory backed by the host directory itself (fs/), read and written
// through node:fs as the guest asks. Nothing is read at start, whatever the
// directory holds.

import type { Fd } from '@bjorn3/browser_wasi_shim';
import { Mount } from '../fs/mount.js';
import { NodeDirFd } from '../fs/node-fd.js';

export interface DirMapping {
  host: string;
  guest: string;
  readOnly?: boolean;
}

export function openPreopens(dirs: DirMapping[]): Fd[] {
  return dirs.map((d) => new NodeDirFd(new Mount(d.host, d.guest, d.readOnly === true), [], undefined, undefined, d.guest));
}
