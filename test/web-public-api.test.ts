// The demo page is built on the public browser API only (wasock/browser,
// host/src/api/browser.ts), so whatever the demo does, a user's page can:
// no module under web/ imports any other part of the host.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/programs.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? sources(path) : e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the demo page', () => {
  it('imports nothing of the host but the public browser API', () => {
    const offenders: string[] = [];
    let viaApi = 0;
    for (const file of sources(join(ROOT, 'web'))) {
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)) {
        if (!spec.includes('host/')) continue;
        if (/(^|\/)host\/src\/api\/browser\.js$/.test(spec)) viaApi++;
        else offenders.push(`${relative(ROOT, file)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
    expect(viaApi).toBeGreaterThan(0);
  });
});
