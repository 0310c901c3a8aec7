// A canonical-mode tty line discipline, the part of a kernel terminal a C
// program reading stdin expects: typed characters are echoed and collected
// into a line that can be edited (Backspace, Ctrl-U, Ctrl-W); Enter sends
// the line with its newline; Ctrl-D sends a partial line as is, or means
// end-of-file on an empty line; Ctrl-C interrupts. Cursor keys and other
// escape sequences are swallowed: canonical mode has no cursor movement.

export interface LineSink {
  /** Text to show on the terminal (the echo), with \r\n line ends. */
  echo(text: string): void;
  /** A completed line (or a Ctrl-D partial line) for the program's stdin. */
  send(text: string): void;
  /** Ctrl-D on an empty line. */
  eof(): void;
  /** Ctrl-C. */
  interrupt(): void;
}

const ESC = '\x1b';

export class LineDiscipline {
  /** The line being edited, one entry per code point. */
  private line: string[] = [];
  /** Inside an escape sequence that is being skipped. */
  private escape: 'none' | 'start' | 'csi' | 'ss3' = 'none';
  private closed = false;

  constructor(private readonly sink: LineSink) {}

  /** Feeds what the terminal reports for keys and paste (xterm's onData). */
  input(data: string): void {
    for (const c of data) {
      if (this.closed) return;
      if (this.skipEscape(c)) continue;
      this.key(c);
    }
  }

  /** After EOF or once the program is gone: further input is ignored. */
  close(): void {
    this.closed = true;
    this.line = [];
  }

  get pending(): string {
    return this.line.join('');
  }

  private key(c: string): void {
    switch (c) {
      case '\r':
      case '\n': {
        const text = this.line.join('') + '\n';
        this.line = [];
        this.sink.echo('\r\n');
        this.sink.send(text);
        return;
      }
      case '\x7f':
      case '\b':
        if (this.line.length > 0) this.erase(1);
        return;
      case '\x15': // Ctrl-U: kill the line
        this.erase(this.line.length);
        return;
      case '\x17': // Ctrl-W: erase the previous word and the blanks after it
        this.erase(this.wordLength());
        return;
      case '\x04': // Ctrl-D
        if (this.line.length === 0) {
          this.closed = true;
          this.sink.eof();
        } else {
          const text = this.line.join('');
          this.line = [];
          this.sink.send(text);
        }
        return;
      case '\x03': // Ctrl-C
        this.line = [];
        this.sink.echo('^C\r\n');
        this.sink.interrupt();
        return;
      case ESC:
        this.escape = 'start';
        return;
      case '\t':
        this.line.push(c);
        this.sink.echo(c);
        return;
    }
    // Other control characters are not part of a line a user means to type.
    if (c < ' ') return;
    this.line.push(c);
    this.sink.echo(c);
  }

  /** Swallows CSI (ESC [ … final) and SS3 (ESC O x) sequences; true while inside one. */
  private skipEscape(c: string): boolean {
    switch (this.escape) {
      case 'none':
        return false;
      case 'start':
        this.escape = c === '[' ? 'csi' : c === 'O' ? 'ss3' : 'none';
        return true;
      case 'csi':
        // Parameters and intermediates are 0x20-0x3f; a final byte ends it.
        if (c >= '@' && c <= '~') this.escape = 'none';
        return true;
      case 'ss3':
        this.escape = 'none';
        return true;
    }
  }

  private wordLength(): number {
    let i = this.line.length;
    while (i > 0 && /\s/.test(this.line[i - 1])) i--;
    while (i > 0 && !/\s/.test(this.line[i - 1])) i--;
    return this.line.length - i;
  }

  private erase(n: number): void {
    if (n <= 0) return;
    const removed = this.line.splice(this.line.length - n, n);
    // A tab or a wide character takes more than one column; the common case
    // (one column each) is what a kernel's echo handles too.
    this.sink.echo('\b \b'.repeat(removed.length));
  }
}
