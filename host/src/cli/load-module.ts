// Loads and checks a guest module before anything runs: the file exists, is
// WebAssembly, is a WASI command, and imports only what wasock provides.
// Each failure is one precise message.

import { readFileSync } from 'node:fs';
import { IMPORT_MODULE, providedImportNames } from '../wasi/guest-imports.js';

export class LoadError extends Error {}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export async function loadGuestModule(path: string): Promise<WebAssembly.Module> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message);
    throw new LoadError(`cannot read ${path}: ${why}`);
  }
  if (bytes.length < 8 || !WASM_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new LoadError(`${path} is not a WebAssembly module (no \\0asm header)`);
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(new Uint8Array(bytes));
  } catch (err) {
    throw new LoadError(`${path} is not a valid WebAssembly module: ${(err as Error).message}`);
  }
  const provided = providedImportNames();
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== IMPORT_MODULE || imp.kind !== 'function' || !provided.has(imp.name)) {
      throw new LoadError(`${path} needs import ${imp.module}.${imp.name} (${imp.kind}), which wasock does not provide`);
    }
  }
  const exports = WebAssembly.Module.exports(module);
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw new LoadError(`${path} is not a WASI command: it exports no _start function`);
  }
  if (!exports.some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw new LoadError(`${path} exports no memory`);
  }
  return module;
}
