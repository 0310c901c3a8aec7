// The package as a user gets it: `npm pack`, the tarball installed offline
// into an empty project with an empty npm cache (so nothing but the tarball
// can supply it), then the README's "Use it from your project" steps run
// there verbatim (the package name is the only thing replaced: by the
// tarball's path), plus the commands' --version/help, the one line of
// `wasock cc` without a toolchain, and the shipped .d.ts checked by tsc.

import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, ROOT } from './helpers/programs.js';

const scratch = mkdtempSync(join(tmpdir(), 'wasock-pkg-'));
const project = join(scratch, 'my-app');
let tarball: string;
let env: NodeJS.ProcessEnv;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The README's block marked `<!-- quickstart: NAME -->`. */
export function quickstartBlock(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- quickstart: ${name.replace('.', '\\.')} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\`\\n`).exec(readme);
  if (!match) throw new Error(`README.md has no quickstart block ${name}`);
  return match[1];
}

beforeAll(() => {
  // What prepack (./build.sh) would build; the C side is built by ./build.sh before the suite.
  for (const step of ['build-host.mjs', 'build-types.mjs', 'build-web.mjs']) execFileSync(process.execPath, [join(ROOT, 'tools', step)], { stdio: 'pipe' });
  const packed = JSON.parse(execSync(`npm pack --ignore-scripts --json --pack-destination ${JSON.stringify(scratch)}`, { cwd: ROOT, encoding: 'utf8' })) as { filename: string }[];
  tarball = join(scratch, packed[0].filename);
  execSync(`mkdir -p ${JSON.stringify(project)}`);
  env = {
    ...process.env,
    // Offline, with a cache of its own: the tarball is the only source.
    npm_config_offline: 'true',
    npm_config_cache: join(scratch, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}, 180_000);

describe('the packed package', () => {
  it('holds built JavaScript and .d.ts, no TypeScript sources', () => {
    const files = execSync(`tar -tzf ${JSON.stringify(tarball)}`, { encoding: 'utf8' }).trim().split('\n');
    expect(files).toContain('package/build/host/index.js');
    expect(files).toContain('package/build/browser/index.js');
    expect(files).toContain('package/build/types/api/node.d.ts');
    expect(files).toContain('package/host/wasock.js');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.private).toBeUndefined();
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('runs the README quick start, installed offline from the tarball alone', async () => {
    writeFileSync(join(project, 'hello.c'), quickstartBlock('hello.c'));
    writeFileSync(join(project, 'app.mjs'), quickstartBlock('app.mjs'));
    const port = await freePort();
    const outputs: string[] = [];
    for (const line of quickstartBlock('commands').trim().split('\n')) {
      const command = line === 'npm install wasock' ? `npm install ${JSON.stringify(tarball)}` : line;
      const r = spawnSync('sh', ['-c', command], { cwd: project, env: { ...env, PORT: String(port) }, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${command}\n${r.stderr}`).toBe(0);
      outputs.push(r.stdout);
    }
    // The package came from the tarball, not from this repository.
    expect(readFileSync(join(project, 'node_modules', 'wasock', 'package.json'), 'utf8')).toContain('"name": "wasock"');
    expect(existsSync(join(project, 'node_modules', 'wasock', 'host', 'src'))).toBe(false);
    const [, , , run, app] = outputs;
    expect(run).toBe('hello, world\n');
    expect(app).toBe(`exit 0: hello, world\nserver said: hello from wasm\nserver stopped: 143\n`);
  }, 300_000);

  it('answers --version and help, and names what is missing when there is no compiler', () => {
    const wasock = join(project, 'node_modules', '.bin', 'wasock');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(execFileSync(wasock, ['--version'], { encoding: 'utf8' })).toBe(`wasock ${version}\n`);
    const help = execFileSync(wasock, ['help'], { encoding: 'utf8' });
    for (const command of ['run', 'cc', 'relay', 'web']) expect(help).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(execFileSync(wasock, ['help', 'run'], { encoding: 'utf8' })).toContain('--allow-net');
    // No clang anywhere on PATH (node itself is called by its full path).
    const r = spawnSync(process.execPath, [wasock, 'cc', 'hello.c', '-o', 'x.wasm'], { cwd: project, env: { PATH: join(scratch, 'empty-bin') }, encoding: 'utf8' });
    expect(r.status).toBe(127);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^wasock: no wasm32-wasi C toolchain: clang-19 not found; install it with: apt-get install/);
  });

  it('ships types that a TypeScript project can use, for Node and for pages', () => {
    writeFileSync(join(project, 'check.ts'), [
      "import { run, start, FileError, type RunOptions } from 'wasock';",
      "import { start as startInPage, InPageNetwork, RelayNetwork, type BrowserProgram } from 'wasock/browser';",
      'const options: RunOptions = { args: ["8080"], allowNet: ["127.0.0.1:8000-8100"], trace: true };',
      'const code: Promise<number> = run("hello.wasm", options);',
      'void start("hello.wasm").then((p) => p.kill());',
      'const page: Promise<BrowserProgram> = startInPage("server.wasm", { network: new InPageNetwork(), stdout: (b: Uint8Array) => b });',
      'void new RelayNetwork("http://127.0.0.1:8000/?token=x");',
      'void code; void page; void FileError;',
      // A wrong type must be an error: this line proves the check is not vacuous.
      '// @ts-expect-error maxSockets is a number',
      'void run("x.wasm", { maxSockets: "many" });',
      '',
    ].join('\n'));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
      '--lib', 'es2022,dom', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), 'check.ts'], { cwd: project, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
