// Tiny hand-assembled modules for tests that must not depend on the C
// toolchain: the CLI's error cases and the import fuzzer's trampoline.

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const I32 = 0x7f;
const I64 = 0x7e;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A command whose _start executes `unreachable`. */
export function trappingModule(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    ...HEADER,
    ...section(0x01, vector([[0x60, 0x00, 0x00]])),
    ...section(0x03, vector([[0x00]])),
    ...section(0x05, vector([[0x00, 0x01]])),
    ...section(0x07, vector([[...name('_start'), 0x00, 0x00], [...name('memory'), 0x02, 0x00]])),
    ...section(0x0a, vector([[0x03, 0x00, 0x00, 0x0b]])),
  ]);
}

/** A module importing `module.field` as a function of type () → (). */
export function moduleImporting(module: string, field: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    ...HEADER,
    ...section(0x01, vector([[0x60, 0x00, 0x00]])),
    ...section(0x02, vector([[...name(module), ...name(field), 0x00, 0x00]])),
  ]);
}

export type ParamType = 'i32' | 'i64';

/**
 * A trampoline: imports each `wasi_snapshot_preview1` function with the given
 * parameters (all returning i32), and exports `call_NAME` with the same
 * parameters that forwards to it, plus a memory of `pages` pages and an
 * empty `_start`. Lets a test call the host's imports exactly as wasm does.
 */
export function trampolineModule(imports: { name: string; params: ParamType[] }[], pages: number): Uint8Array<ArrayBuffer> {
  const types = imports.map((imp) => [0x60, ...uleb(imp.params.length), ...imp.params.map((p) => (p === 'i64' ? I64 : I32)), 0x01, I32]);
  types.push([0x60, 0x00, 0x00]);
  const startType = types.length - 1;
  const importEntries = imports.map((imp, i) => [...name('wasi_snapshot_preview1'), ...name(imp.name), 0x00, ...uleb(i)]);
  const n = imports.length;
  const functions = [...imports.map((_, i) => uleb(i)), uleb(startType)];
  const exports = [
    ...imports.map((imp, i) => [...name(`call_${imp.name}`), 0x00, ...uleb(n + i)]),
    [...name('_start'), 0x00, ...uleb(n + n)],
    [...name('memory'), 0x02, 0x00],
  ];
  const bodies = imports.map((imp, i) => {
    const code = [...imp.params.flatMap((_, p) => [0x20, ...uleb(p)]), 0x10, ...uleb(i), 0x0b];
    const body = [0x00, ...code];
    return [...uleb(body.length), ...body];
  });
  bodies.push([0x02, 0x00, 0x0b]);
  return new Uint8Array([
    ...HEADER,
    ...section(0x01, vector(types)),
    ...section(0x02, vector(importEntries)),
    ...section(0x03, vector(functions)),
    ...section(0x05, vector([[0x00, ...uleb(pages)]])),
    ...section(0x07, vector(exports)),
    ...section(0x0a, vector(bodies)),
  ]);
}
