// Compiles and checks a guest module before anything runs: it is
// WebAssembly, a WASI command, and imports only what wasock provides. Each
// failure is one precise message. Shared by the CLI (which reads a file
// first) and the browser page (which fetches or uploads the bytes).

import { IMPORT_MODULE, providedImportNames } from './guest-imports.js';

/** Why a module was refused: not WebAssembly (or not a WASI command), or an import wasock lacks. */
export type ModuleProblem = 'not-wasm' | 'missing-import';

export class ModuleError extends Error {
  constructor(message: string, readonly problem: ModuleProblem = 'not-wasm') {
    super(message);
  }
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** `name` is how messages refer to the module (a path, a file name). */
export async function compileGuestModule(bytes: Uint8Array, name: string): Promise<WebAssembly.Module> {
  if (bytes.length < 8 || !WASM_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new ModuleError(`${name} is not a WebAssembly module (no \\0asm header)`);
  }
  let module: WebAssembly.Module;
  try {
    // A copy into a plain ArrayBuffer: compile() refuses views of shared memory.
    module = await WebAssembly.compile(new Uint8Array(bytes));
  } catch (err) {
    throw new ModuleError(`${name} is not a valid WebAssembly module: ${(err as Error).message}`);
  }
  const provided = providedImportNames();
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== IMPORT_MODULE || imp.kind !== 'function' || !provided.has(imp.name)) {
      throw new ModuleError(`${name} needs import ${imp.module}.${imp.name} (${imp.kind}), which wasock does not provide`, 'missing-import');
    }
  }
  const exports = WebAssembly.Module.exports(module);
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw new ModuleError(`${name} is not a WASI command: it exports no _start function`);
  }
  if (!exports.some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw new ModuleError(`${name} exports no memory`);
  }
  return module;
}
