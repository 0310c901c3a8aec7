// The argument field of the demo page: shell-like word splitting without
// any expansion.

import { describe, expect, it } from 'vitest';
import { ArgsError, joinArgs, splitArgs } from '../web/args.js';

describe('splitArgs', () => {
  it('splits on blanks and ignores extra ones', () => {
    expect(splitArgs('  127.0.0.1   8080 ')).toEqual(['127.0.0.1', '8080']);
    expect(splitArgs('')).toEqual([]);
  });

  it('keeps quoted blanks, empty words and escaped characters', () => {
    expect(splitArgs(`127.0.0.1 8080 "hello over udp"`)).toEqual(['127.0.0.1', '8080', 'hello over udp']);
    expect(splitArgs(`'it''s' "" a\\ b`)).toEqual(['its', '', 'a b']);
    expect(splitArgs(`"say \\"hi\\"" 'no $expansion \\here'`)).toEqual(['say "hi"', 'no $expansion \\here']);
    expect(splitArgs(`pre"mid dle"post`)).toEqual(['premid dlepost']);
  });

  it('refuses an unmatched quote or a trailing backslash', () => {
    expect(() => splitArgs(`"open`)).toThrow(ArgsError);
    expect(() => splitArgs(`'open`)).toThrow(/unmatched '/);
    expect(() => splitArgs('end\\')).toThrow(/backslash/);
  });

  it('joinArgs round-trips through splitArgs', () => {
    for (const argv of [['127.0.0.1', '8080'], ['hello over udp'], [''], ["it's"], ['a"b', '$x', 'tab\there']]) {
      expect(splitArgs(joinArgs(argv))).toEqual(argv);
    }
  });
});
