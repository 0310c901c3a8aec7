// What a browser guest's directory holds, as the page and the API see it
// (memory-dir.ts keeps it in the worker's memory). Apart from memory-dir so
// the public types need nothing of the WASI shim.

/** Where a browser guest finds its files. */
export const BROWSER_DIR = '/data';

/**
 * One entry of the directory: `path` below BROWSER_DIR with `/` between
 * components; `bytes` for a file, absent for a directory.
 */
export interface DirEntry {
  path: string;
  bytes?: Uint8Array;
}
