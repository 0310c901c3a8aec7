// Loads a guest module from a file for the CLI: reading errors become one
// precise message, and the module checks are those of wasi/module-check.ts.

import { readFileSync } from 'node:fs';
import { compileChecked, LoadError } from '../wasi/checked-compile.js';

export { compileChecked, LoadError };

export async function loadGuestModule(path: string): Promise<WebAssembly.Module> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new LoadError(`cannot read ${path}: ${why}`, 'unreadable');
  }
  return compileChecked(bytes, path);
}

