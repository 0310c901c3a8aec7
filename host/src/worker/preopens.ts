// --dir HOST[:GUEST] in Node: the host directory is loaded into
// browser_wasi_shim's in-memory file system when the guest starts (files
// up to a total budget), so the guest can read it with ordinary file calls.
// Changes the guest makes stay in memory and are not written back.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Directory, File, PreopenDirectory, type Inode } from '@bjorn3/browser_wasi_shim';

export interface DirMapping {
  host: string;
  guest: string;
}

const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

function load(path: string, budget: { bytes: number }): Map<string, Inode> {
  const entries = new Map<string, Inode>();
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      entries.set(entry.name, new Directory(load(full, budget)));
    } else if (entry.isFile()) {
      const size = statSync(full).size;
      if (size > budget.bytes) throw new Error(`--dir ${path}: more than ${MAX_TOTAL_BYTES} bytes of files`);
      budget.bytes -= size;
      entries.set(entry.name, new File(readFileSync(full)));
    }
  }
  return entries;
}

export function loadPreopens(dirs: DirMapping[]): PreopenDirectory[] {
  const budget = { bytes: MAX_TOTAL_BYTES };
  return dirs.map((d) => new PreopenDirectory(d.guest, load(d.host, budget)));
}
