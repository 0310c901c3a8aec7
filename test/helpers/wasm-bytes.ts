// Tiny hand-assembled modules for the CLI's error cases, so those tests do
// not depend on the C toolchain.

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPE_VOID_FN = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00];

function name(text: string): number[] {
  return [text.length, ...Buffer.from(text, 'latin1')];
}

function section(id: number, body: number[]): number[] {
  return [id, body.length, ...body];
}

/** A command whose _start executes `unreachable`. */
export function trappingModule(): Uint8Array {
  return new Uint8Array([
    ...HEADER,
    ...TYPE_VOID_FN,
    ...section(0x03, [0x01, 0x00]),
    ...section(0x05, [0x01, 0x00, 0x01]),
    ...section(0x07, [0x02, ...name('_start'), 0x00, 0x00, ...name('memory'), 0x02, 0x00]),
    ...section(0x0a, [0x01, 0x03, 0x00, 0x00, 0x0b]),
  ]);
}

/** A module importing `module.field` as a function of type () → (). */
export function moduleImporting(module: string, field: string): Uint8Array {
  return new Uint8Array([
    ...HEADER,
    ...TYPE_VOID_FN,
    ...section(0x02, [0x01, ...name(module), ...name(field), 0x00, 0x00]),
  ]);
}
