// The live sequence diagram: collects the trace events of every program on
// the page and redraws with each lifeline under its program's terminal.
// The page's main thread is also the I/O thread of every program, so the
// diagram must not take it over while a program streams calls: events go
// into a bounded, coalescing log (trace-log.ts) at O(1) each, and a redraw
// (O(rows), rows capped) happens at most every MIN_REDRAW_MS, or less often
// when a redraw is slow, so drawing stays a small share of the thread.

import { h, svg } from '../dom.js';
import type { TraceEvent } from '../../host/src/api/browser.js';
import { buildDiagram, type Diagram } from './model.js';
import { TraceLog } from './trace-log.js';
import { outsideSides, renderDiagram, renderTitles, TITLE_HEIGHT, type Lane } from './view.js';

/** Rows kept: enough for any tutorial flow; a chatty program scrolls its oldest calls away. */
const MAX_ROWS = 600;
/** The quickest redraws follow one another while events stream in. */
const MIN_REDRAW_MS = 150;
/** A redraw may take at most this share of the time between redraws. */
const MAX_DRAW_SHARE = 0.1;

export class SequencePanel {
  readonly element: HTMLElement;
  private readonly canvas: SVGSVGElement;
  private readonly titles: SVGSVGElement;
  private readonly scroller: HTMLElement;
  private readonly note: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly log = new TraceLog(MAX_ROWS);
  private scheduled = false;
  private lastDraw = -Infinity;
  private lastDrawCost = 0;
  private current: Diagram = { rows: [], arrows: [], stubs: [] };
  /** The log version `current` was built from. */
  private built = 0;

  /** `lanes` reports each program's lifeline position relative to the panel. */
  constructor(private readonly lanes: (panelLeft: number) => Lane[]) {
    this.canvas = svg('svg', { class: 'sequence', 'data-testid': 'diagram', role: 'img', 'aria-label': 'Sequence diagram of socket calls' });
    this.titles = svg('svg', { class: 'sequence sequence-titles', 'aria-hidden': 'true' });
    this.note = h('span', { class: 'panel-note' });
    this.empty = h('div', { class: 'diagram-empty' }, 'Run a program: its socket calls appear here, one lifeline per program.');
    this.scroller = h('div', { class: 'diagram-scroll' }, this.titles, this.canvas, this.empty);
    this.element = h('section', { class: 'panel diagram-panel', 'aria-label': 'Sequence diagram' },
      h('header', { class: 'panel-head' },
        h('h2', {}, 'Sequence diagram'),
        h('span', { class: 'legend' },
          h('i', { class: 'key key-connect' }), 'connection',
          h('i', { class: 'key key-data' }), 'data',
          h('i', { class: 'key key-datagram' }), 'datagram',
          h('i', { class: 'key key-eof' }), 'end of file'),
        this.note,
        h('button', { class: 'ghost', type: 'button', 'data-testid': 'diagram-clear', onclick: () => this.clear() }, 'Clear'),
      ),
      this.scroller,
    );
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
  }

  /** Forgets one lane's calls (its program starts again), or everything. */
  clear(lane?: number): void {
    this.log.clear(lane);
    this.schedule();
  }

  call(lane: number, event: TraceEvent, at: number): void {
    this.log.call(lane, event, at);
    this.schedule();
  }

  end(lane: number, kind: 'exit' | 'trap' | 'killed', text: string, at: number, code?: number): void {
    this.log.end(lane, { kind, text, code }, at);
    this.schedule();
  }

  /** The diagram of every event so far (built now if the last redraw is behind). */
  get diagram(): Diagram {
    return this.model();
  }

  /** Redraws soon: right away after a quiet spell, else once the redraw interval has passed. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const interval = Math.max(MIN_REDRAW_MS, this.lastDrawCost / MAX_DRAW_SHARE);
    const wait = this.lastDraw + interval - performance.now();
    const frame = () => requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw();
    });
    if (wait <= 0) frame();
    else setTimeout(frame, wait);
  }

  private model(): Diagram {
    if (this.built !== this.log.version) {
      this.current = buildDiagram(this.log.entries());
      this.built = this.log.version;
    }
    return this.current;
  }

  private draw(): void {
    const started = performance.now();
    const box = this.scroller.getBoundingClientRect();
    const atBottom = this.scroller.scrollTop + this.scroller.clientHeight >= this.scroller.scrollHeight - 4;
    const diagram = this.model();
    const lanes = this.lanes(box.left);
    const width = this.scroller.clientWidth;
    const outside = outsideSides(diagram, lanes, width);
    renderTitles(this.titles, lanes, width, outside);
    renderDiagram(this.canvas, diagram, lanes, width, this.scroller.clientHeight - TITLE_HEIGHT, outside);
    this.empty.hidden = this.log.size > 0;
    const dropped = this.log.dropped;
    this.note.textContent = dropped > 0 ? `${dropped} earlier calls not shown` : '';
    // Follow the newest calls unless the reader scrolled up to look at older ones.
    if (atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
    this.lastDraw = performance.now();
    this.lastDrawCost = this.lastDraw - started;
  }
}
