// The demo terminal's canonical-mode line discipline: what reaches the
// program's stdin and what is echoed for each key sequence.

import { describe, expect, it } from 'vitest';
import { LineDiscipline } from '../web/terminal/line-discipline.js';

function harness() {
  const log = { echo: '', sent: [] as string[], eof: 0, interrupts: 0 };
  const ld = new LineDiscipline({
    echo: (t) => (log.echo += t),
    send: (t) => log.sent.push(t),
    eof: () => log.eof++,
    interrupt: () => log.interrupts++,
  });
  return { ld, log };
}

describe('LineDiscipline', () => {
  it('echoes typed text and sends the line with its newline on Enter', () => {
    const { ld, log } = harness();
    ld.input('hello');
    expect(log.sent).toEqual([]);
    expect(log.echo).toBe('hello');
    ld.input('\r');
    expect(log.sent).toEqual(['hello\n']);
    expect(log.echo).toBe('hello\r\n');
  });

  it('edits the line: Backspace, Ctrl-W, Ctrl-U', () => {
    const { ld, log } = harness();
    ld.input('helo\x7f\x7fllo');
    expect(ld.pending).toBe('hello');
    ld.input(' big world\x17');
    expect(ld.pending).toBe('hello big ');
    ld.input('\x15again\r');
    expect(log.sent).toEqual(['again\n']);
    // Each erased character is rubbed out on screen.
    expect(log.echo.split('\b \b').length - 1).toBe(2 + 5 + 10);
  });

  it('Backspace on an empty line does nothing', () => {
    const { ld, log } = harness();
    ld.input('\x7f\x7f');
    expect(log.echo).toBe('');
  });

  it('Ctrl-D sends a partial line without newline, and is EOF on an empty line', () => {
    const { ld, log } = harness();
    ld.input('abc\x04');
    expect(log.sent).toEqual(['abc']);
    expect(log.eof).toBe(0);
    ld.input('\x04');
    expect(log.eof).toBe(1);
    // After EOF nothing more is read.
    ld.input('late\r');
    expect(log.sent).toEqual(['abc']);
  });

  it('Ctrl-C drops the line and interrupts', () => {
    const { ld, log } = harness();
    ld.input('half\x03');
    expect(log.interrupts).toBe(1);
    expect(log.sent).toEqual([]);
    expect(ld.pending).toBe('');
  });

  it('swallows cursor keys and other escape sequences', () => {
    const { ld, log } = harness();
    ld.input('a\x1b[Db\x1bOAc\x1b[1;5Cd\r');
    expect(log.sent).toEqual(['abcd\n']);
  });

  it('handles pasted multi-line text and characters outside the BMP', () => {
    const { ld, log } = harness();
    ld.input('one\rtwo 😀\x7f\rthree');
    expect(log.sent).toEqual(['one\n', 'two \n']);
    expect(ld.pending).toBe('three');
  });

  it('ignores input once closed', () => {
    const { ld, log } = harness();
    ld.close();
    ld.input('x\r');
    expect(log.sent).toEqual([]);
    expect(log.echo).toBe('');
  });
});
