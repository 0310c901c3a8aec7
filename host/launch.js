// Shared by the committed launchers (run.js, cc.js): loads the bundled host
// from build/host, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, dirname } from 'node:path';

export async function launch(name) {
  const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'host', `${name}.js`);
  if (!existsSync(target)) {
    process.stderr.write(`wasock: the host is not built (${target} is missing); run ./build.sh first\n`);
    process.exit(2);
  }
  await import(pathToFileURL(target).href);
}
