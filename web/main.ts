// The demo page: program panes side by side, a network switch, and the live
// sequence diagram of their socket calls. This module only assembles the
// parts and the top bar.

import { h } from './dom.js';
import { Catalog, type Preset } from './catalog.js';
import { Network, type NetworkMode } from './network.js';
import { Runner } from './runner.js';
import { Pane } from './pane.js';
import { SequencePanel } from './sequence/panel.js';
import { installTestApi } from './test-api.js';
import { relayStatusText } from './relay-status.js';
import { hostModeText, pageHostMode } from './host-mode.js';

const MAX_PANES = 4;
/** How long "Run all" waits for a program to bind or listen before starting the next. */
const READY_WAIT_MS = 2000;

async function main(): Promise<void> {
  const root = document.getElementById('app')!;
  const pageUrl = new URL(location.href);
  let hostMode: 'worker' | 'jspi';
  try {
    hostMode = pageHostMode(pageUrl);
  } catch (err) {
    root.replaceChildren(fatal('This page cannot run its programs in the host mode it was asked for.', (err as Error).message));
    return;
  }
  // JSPI mode shares no memory; worker mode needs the page isolated.
  if (hostMode === 'worker' && !crossOriginIsolated && document.documentElement.dataset.isolating === 'true') {
    // coi.js is making the page isolated and reloads it in a moment.
    root.replaceChildren(h('p', { class: 'isolating' }, 'Enabling cross-origin isolation…'));
    return;
  }
  if (hostMode === 'worker' && !crossOriginIsolated) {
    root.replaceChildren(fatal('This page is not cross-origin isolated, so it cannot share memory with its workers (this browser has no JSPI, which would need none).',
      'Serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (`wasock web` does), or over https: or from localhost, where coi.js adds them.'));
    return;
  }
  let catalog: Catalog;
  try {
    catalog = await Catalog.load('examples/index.json');
  } catch (err) {
    root.replaceChildren(fatal('The example programs could not be loaded.', String((err as Error).message)));
    return;
  }

  const network = new Network(pageUrl);
  const runner = new Runner(network, new URL('guest-worker.js', location.href), hostMode);
  const panes: Pane[] = [];
  const paneRow = h('div', { class: 'panes' });

  const diagram = new SequencePanel((panelLeft) => panes.map((p, i) => {
    const box = p.element.getBoundingClientRect();
    const name = p.program?.name ?? '?';
    // Two panes running the same program get numbered lifelines.
    const repeated = panes.filter((q) => q.program?.name === name).length > 1;
    return { id: p.lane, x: box.left + box.width / 2 - panelLeft, title: repeated ? `${name} #${i + 1}` : name, color: getComputedStyle(p.element).getPropertyValue('--lane').trim() };
  }));

  const presetSelect = h('select', { 'data-testid': 'preset', 'aria-label': 'Example', onchange: () => applyPreset() });
  const presets = catalog.presets();
  presetSelect.append(...presets.map((p) => h('option', { value: p.id }, p.title)));
  const runAll = h('button', { type: 'button', class: 'primary', 'data-testid': 'run-all', onclick: () => void runAllPanes() }, 'Run all');
  const addPane = h('button', { type: 'button', class: 'ghost', 'data-testid': 'add-pane', onclick: () => { createPane('client', '127.0.0.1 8080'); layout(); } }, '+ Program');
  const modeButtons = {
    virtual: h('button', { type: 'button', role: 'radio', 'data-testid': 'network-virtual', onclick: () => setMode('virtual') }, 'In this page'),
    relay: h('button', { type: 'button', role: 'radio', 'data-testid': 'network-relay', onclick: () => setMode('relay') }, 'Real sockets via relay'),
  };
  const relayChip = h('span', { class: 'chip', 'data-testid': 'relay-status', role: 'status' });
  const mode = hostModeText(hostMode);
  const modeChip = h('span', { class: 'chip chip-mode', 'data-testid': 'host-mode', 'data-mode': hostMode, title: mode.detail }, mode.text);

  root.replaceChildren(
    h('header', { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'logo' }, 'wasock'), h('span', { class: 'tagline' }, 'C socket programs in WebAssembly')),
      h('div', { class: 'controls' },
        h('label', { class: 'field' }, h('span', {}, 'Example'), presetSelect),
        runAll,
        addPane,
        h('span', { class: 'divider' }),
        h('div', { class: 'field' }, h('span', {}, 'Network'), h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Network' }, modeButtons.virtual, modeButtons.relay)),
        relayChip,
        modeChip,
      ),
    ),
    h('main', { class: 'workspace' }, paneRow, diagram.element),
  );

  function createPane(program: string, args: string): Pane {
    const lane = panes.length === 0 ? 0 : Math.max(...panes.map((p) => p.lane)) + 1;
    const pane = new Pane(lane, {
      catalog,
      runner,
      diagram,
      changed: refresh,
      programsChanged: () => panes.forEach((p) => p.fillPrograms()),
      remove: (p) => void removePane(p),
    });
    pane.configure(program, args);
    panes.push(pane);
    paneRow.append(pane.element);
    return pane;
  }

  async function removePane(pane: Pane): Promise<void> {
    await pane.stop();
    panes.splice(panes.indexOf(pane), 1);
    pane.element.remove();
    diagram.clear(pane.lane);
    layout();
  }

  function layout(): void {
    paneRow.style.setProperty('--count', String(panes.length));
    for (const p of panes) p.setRemovable(panes.length > 1);
    refresh();
  }

  function applyPreset(): void {
    const preset: Preset | undefined = presets.find((p) => p.id === presetSelect.value);
    if (!preset || panes.some((p) => p.running)) return;
    preset.panes.forEach((spec, i) => (panes[i] ?? createPane(spec.program, spec.args)).configure(spec.program, spec.args));
    while (panes.length > Math.max(preset.panes.length, 1)) void removePane(panes[panes.length - 1]);
    diagram.clear();
    layout();
  }

  async function runAllPanes(): Promise<void> {
    diagram.clear();
    // In order, each once it can be reached (bound or listening) or ended:
    // servers come first in every preset, so their clients find them.
    for (const [i, pane] of panes.entries()) {
      if (pane.running) continue;
      await pane.run();
      if (i < panes.length - 1) await Promise.race([pane.ready(), new Promise((r) => setTimeout(r, READY_WAIT_MS))]);
    }
  }

  function setMode(mode: NetworkMode): void {
    if (panes.some((p) => p.running)) return;
    network.setMode(mode);
  }

  function refresh(): void {
    const busy = panes.some((p) => p.running);
    for (const [mode, button] of Object.entries(modeButtons)) {
      button.setAttribute('aria-checked', String(network.mode === mode));
      button.disabled = busy && network.mode !== mode;
      button.title = busy ? 'Stop the running programs to switch networks' : '';
    }
    const relay = relayStatusText(network.relayStatus);
    relayChip.hidden = network.mode !== 'relay';
    relayChip.textContent = relay.text;
    relayChip.className = `chip chip-${relay.tone}`;
    relayChip.dataset.state = network.relayStatus.state;
    relayChip.title = relay.detail;
    runAll.disabled = panes.every((p) => p.running);
    addPane.disabled = panes.length >= MAX_PANES;
    presetSelect.disabled = busy;
    diagram.schedule();
  }

  network.onChange(refresh);
  const requested = pageUrl.searchParams.get('network');
  if (requested === 'relay' || (requested === null && pageUrl.searchParams.has('token'))) network.setMode('relay');
  applyPreset();
  installTestApi(() => panes, network, diagram, hostMode);
  document.body.dataset.ready = 'true';
}

function fatal(title: string, detail: string): HTMLElement {
  return h('div', { class: 'fatal', role: 'alert', 'data-testid': 'fatal' }, h('h1', {}, title), h('p', {}, detail));
}

void main();
