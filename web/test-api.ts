// window.wasock: stable hooks for the end-to-end tests (and the curious in a
// devtools console) to read what the page shows without depending on pixels.

import type { Pane, PaneState } from './pane.js';
import type { Network } from './network.js';
import type { RelayStatus } from '../host/src/api/browser.js';
import type { SequencePanel } from './sequence/panel.js';

export interface WasockTestApi {
  /** Number of program panes. */
  panes(): number;
  /** The terminal's text: lines joined with \n, trailing blanks dropped. */
  terminalText(pane: number): Promise<string>;
  state(pane: number): PaneState;
  /** The files of the pane's directory (/data) as the page lists them. */
  files(pane: number): { path: string; size: number }[];
  network(): { mode: string; relay: RelayStatus };
  /** The host mode the page runs its programs in. */
  hostMode(): 'worker' | 'jspi';
  /** The diagram as text: rows (lane and label) and arrows (kind, from row, to row). */
  diagram(): { rows: { lane: number; label: string }[]; arrows: { kind: string; from: number; to: number; label: string }[]; stubs: { row: number; direction: string; label: string }[] };
}

export function installTestApi(panes: () => Pane[], network: Network, diagram: SequencePanel, hostMode: 'worker' | 'jspi'): void {
  const pane = (i: number) => {
    const p = panes()[i];
    if (!p) throw new Error(`no pane ${i}`);
    return p;
  };
  const api: WasockTestApi = {
    panes: () => panes().length,
    terminalText: (i) => pane(i).terminalText(),
    state: (i) => pane(i).state,
    files: (i) => pane(i).files.files(),
    network: () => ({ mode: network.mode, relay: network.relayStatus }),
    hostMode: () => hostMode,
    diagram: () => {
      const d = diagram.diagram;
      return {
        rows: d.rows.map((r) => ({ lane: r.lane, label: r.label })),
        arrows: d.arrows.map((a) => ({ kind: a.kind, from: a.from, to: a.to, label: a.label })),
        stubs: d.stubs.map((s) => ({ row: s.row, direction: s.direction, label: s.label })),
      };
    },
  };
  (window as unknown as { wasock: WasockTestApi }).wasock = api;
}
