// The browser end-to-end tests' fixtures: the page bundle built fresh, the
// relay server serving it (as `npm run web` does), and Debian's Chromium
// driven by playwright-core with a throwaway profile.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { createRelayServer, type RelayServer } from '../../../host/src/relay/server.js';
import { ROOT } from '../../helpers/programs.js';

export const CHROMIUM = process.env.WASOCK_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'browser');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds build/web if any source changed (a no-op otherwise, as in ./build.sh). */
export function buildPage(): string {
  execFileSync(process.execPath, [join(ROOT, 'tools', 'build-web.mjs')], { stdio: 'pipe' });
  return join(ROOT, 'build', 'web');
}

export interface BrowserFixture {
  relay: RelayServer;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<BrowserFixture> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (or set WASOCK_CHROMIUM)`);
  const staticDir = buildPage();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const relay = await createRelayServer({ port: 0, staticDir });
  const profile = mkdtempSync(join(tmpdir(), 'wasock-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1440, height: 900 },
    });
  } catch (err) {
    await relay.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    relay,
    context,
    async close() {
      await context.close().catch(() => {});
      await relay.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
