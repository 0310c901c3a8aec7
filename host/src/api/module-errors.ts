// Turns the loader's refusals (cli/load-module.ts) into the public error
// classes, for the Node and the browser API alike.

import { LoadError } from '../wasi/checked-compile.js';
import { FileError, MissingImportError, NotWasmError } from './errors.js';

export function publicLoadError(err: unknown): unknown {
  if (!(err instanceof LoadError)) return err;
  switch (err.problem) {
    case 'unreadable': return new FileError(err.message);
    case 'missing-import': return new MissingImportError(err.message);
    case 'not-wasm': return new NotWasmError(err.message);
  }
}
