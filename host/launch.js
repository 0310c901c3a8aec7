// Shared by the committed launchers (run.js, cc.js): loads the bundled host
// from build/host, or says how to build it.
import { existsSync } from 'node:fs';
import nodeModule from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, dirname } from 'node:path';

export async function launch(name) {
  const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'host', `${name}.js`);
  if (!existsSync(target)) {
    process.stderr.write(`wasock: the host is not built (${target} is missing); run ./build.sh first\n`);
    process.exit(2);
  }
  // The bundled host is a few hundred KB of JavaScript that V8 would
  // compile again at every start (a third of a hello world's start-up).
  // Node >= 22.1 keeps the compiled code on disk (in the OS temporary
  // directory, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it
  // off); on older Node this does nothing.
  nodeModule.enableCompileCache?.();
  await import(pathToFileURL(target).href);
}
