// A module's bytes compiled and checked (module-check.ts), every refusal a
// LoadError saying why: unreadable (a file or URL the caller could not
// read), not WebAssembly, or an import wasock lacks. No Node modules here:
// the browser API uses it too.

import { compileGuestModule, ModuleError, type ModuleProblem } from './module-check.js';

export class LoadError extends Error {
  constructor(message: string, readonly problem: ModuleProblem | 'unreadable') {
    super(message);
  }
}

/** Compiles and checks bytes already in hand; `name` is how messages call them. */
export async function compileChecked(bytes: Uint8Array, name: string): Promise<WebAssembly.Module> {
  try {
    return await compileGuestModule(bytes, name);
  } catch (err) {
    if (err instanceof ModuleError) throw new LoadError(err.message, err.problem);
    throw err;
  }
}
