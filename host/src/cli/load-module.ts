// Loads a guest module from a file for the CLI: reading errors become one
// precise message, and the module checks are those of wasi/module-check.ts.

import { readFileSync } from 'node:fs';
import { compileGuestModule, ModuleError } from '../wasi/module-check.js';

export class LoadError extends Error {}

export async function loadGuestModule(path: string): Promise<WebAssembly.Module> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new LoadError(`cannot read ${path}: ${why}`);
  }
  try {
    return await compileGuestModule(bytes, path);
  } catch (err) {
    if (err instanceof ModuleError) throw new LoadError(err.message);
    throw err;
  }
}
