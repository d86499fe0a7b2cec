import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';

/**
 * Part of `npm run build` (after swc):
 * - `dist/client/msync-client.js`: `@msync/client` for browsers, one ES module (esbuild; zod and the
 *   contracts inside, `ws` left out: browsers have `WebSocket`), with a source map;
 * - `dist/client/msync-client.d.ts` + `dist/client/types/`: its declarations (tsc), with the
 *   `@msync/contracts` path alias rewritten to relative imports (they still import `zod` types);
 * - the console and demo pages (`apps/ingestion/src/console/public`) as they are, in `dist/console`
 *   (ingestion serves them from there; swc's CommonJS copies under dist/apps are not for browsers).
 */
const root = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
})();
const out = join(root, 'dist', 'client');

async function bundle(): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'libs/client/src/index.ts')],
    outfile: join(out, 'msync-client.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    external: ['ws'],
    tsconfig: join(root, 'tsconfig.base.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
}

function declarations(): void {
  const typesDir = join(out, 'types');
  rmSync(typesDir, { recursive: true, force: true });
  const program = ts.createProgram([join(root, 'libs/client/src/index.ts')], {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: typesDir,
    rootDir: join(root, 'libs'),
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    skipLibCheck: true,
    esModuleInterop: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    baseUrl: root,
    paths: { '@msync/contracts': ['libs/contracts/src/index.ts'] },
  });
  const result = program.emit(undefined, undefined, undefined, true);
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
  // The alias means nothing to a consumer: point it at the emitted contracts.
  const contractsIndex = join(typesDir, 'contracts', 'src', 'index');
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  for (const file of walk(typesDir).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('@msync/contracts')) continue;
    let rel = relative(dirname(file), contractsIndex).split('\\').join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    writeFileSync(file, text.replace(/(['"])@msync\/contracts\1/g, `'${rel}'`));
  }
  writeFileSync(join(out, 'msync-client.d.ts'), `export * from './types/client/src/index';\n`);
}

function consolePages(): void {
  const from = join(root, 'apps/ingestion/src/console/public');
  const to = join(root, 'dist/console');
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  consolePages();
  await bundle();
  declarations();
}

main().catch((err: unknown) => {
  process.stderr.write(`client-bundle: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
