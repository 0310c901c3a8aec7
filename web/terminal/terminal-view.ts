// One program's terminal: an xterm.js screen that shows the program's stdout
// and stderr and turns typed keys into stdin through a canonical-mode line
// discipline, as a terminal and a kernel tty would for a C program.

import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { LineDiscipline } from './line-discipline.js';

/** Where typed input goes while a program runs. */
export interface TerminalInput {
  line(text: string): void;
  eof(): void;
  interrupt(): void;
}

const THEME: ITheme = {
  background: '#0b0f14',
  foreground: '#d7dde5',
  cursor: '#8fb6ff',
  cursorAccent: '#0b0f14',
  selectionBackground: '#2a3b55',
  black: '#1c232c', red: '#ff7b72', green: '#7ee2a8', yellow: '#e3b341',
  blue: '#79b8ff', magenta: '#d2a8ff', cyan: '#76e3ea', white: '#d7dde5',
  brightBlack: '#6e7781', brightRed: '#ffa198', brightGreen: '#aff5c4', brightYellow: '#f2cc60',
  brightBlue: '#a5d6ff', brightMagenta: '#e2c5ff', brightCyan: '#b3f0ff', brightWhite: '#ffffff',
};

// stderr in the palette's red and denied operations in yellow, so they stand
// out from stdout without changing the text a test reads back.
const STDERR_ON = '\x1b[31m';
const DENY_ON = '\x1b[33m';
const COLOR_OFF = '\x1b[39m';

export class TerminalView {
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  private discipline: LineDiscipline | null = null;

  constructor(host: HTMLElement) {
    this.term = new Terminal({
      theme: THEME,
      fontFamily: '"DejaVu Sans Mono", "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
      fontSize: 13,
      lineHeight: 1.15,
      // Programs write \n; a terminal needs \r\n, which the tty's output
      // processing (ONLCR) would add.
      convertEol: true,
      cursorBlink: false,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      scrollback: 5000,
      allowProposedApi: false,
    });
    this.term.loadAddon(this.fit);
    this.term.open(host);
    this.term.onData((data) => this.discipline?.input(data));
    new ResizeObserver(() => this.resize()).observe(host);
    this.resize();
  }

  /** A new run: an empty screen, and typing goes nowhere until begin(). */
  clear(): void {
    this.end();
    this.term.reset();
  }

  /** Routes typed lines to the running program's stdin. */
  begin(input: TerminalInput): void {
    this.discipline?.close();
    this.discipline = new LineDiscipline({
      echo: (text) => this.term.write(text),
      send: (text) => input.line(text),
      eof: () => input.eof(),
      interrupt: () => input.interrupt(),
    });
  }

  /** The program is gone: typing no longer reaches anything, and no cursor invites it. */
  end(): void {
    if (this.discipline) this.term.write('\x1b[?25l');
    this.discipline?.close();
    this.discipline = null;
  }

  output(fd: 1 | 2, bytes: Uint8Array): void {
    if (fd === 2) {
      this.term.write(STDERR_ON);
      this.term.write(bytes);
      this.term.write(COLOR_OFF);
    } else {
      this.term.write(bytes);
    }
  }

  notice(line: string): void {
    this.term.write(`${DENY_ON}${line}${COLOR_OFF}\n`);
  }

  focus(): void {
    this.term.focus();
  }

  /**
   * The screen and scrollback as text, wrapped rows joined back into their
   * lines, trailing blanks and empty lines dropped: what a person sees.
   * Resolves after pending writes are on the screen.
   */
  async text(): Promise<string> {
    await new Promise<void>((resolve) => this.term.write('', resolve));
    const buffer = this.term.buffer.normal;
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) {
      const row = buffer.getLine(y);
      if (!row) continue;
      // A row that continues on the next one keeps its trailing blanks: they are text.
      const text = row.translateToString(!buffer.getLine(y + 1)?.isWrapped);
      if (row.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
    return lines.map((l) => l.replace(/\s+$/, '')).join('\n');
  }

  private resize(): void {
    try {
      this.fit.fit();
    } catch {
      // Not laid out yet (display: none); the observer calls again.
    }
  }
}
