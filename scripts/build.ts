/**
 * Builds one minified ESM bundle per Lambda function into
 * `dist/functions/<name>/index.mjs` (with a source map). The CDK stack deploys
 * exactly these directories, so what is tested is what runs in Lambda. Builds
 * the CLI into `bin/happytalk-archive.mjs`: one JavaScript file that imports
 * only the runtime dependencies of package.json (`npm run build`, which
 * `prepare` runs after `npm ci` and before `npm pack`).
 */
import { readFileSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { FUNCTION_NAMES, type FunctionName } from '../lib/contract/functions.js';

export { FUNCTION_NAMES } from '../lib/contract/functions.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The package's version, defined at build time for lib/version.ts: a bundle
 * holds the one string, not the whole package.json.
 */
const VERSION_DEFINE = {
  __ARCHIVER_VERSION__: JSON.stringify(
    (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version,
  ),
};

/**
 * The esbuild settings of every Lambda bundle, for one entry point written
 * to `outfile`. The benchmark builds its floor bundle with these too, so that
 * the two compare. Code that a function needs only on some path (the SQS
 * client, the attachment step) is imported on first use and split into
 * chunks beside `outfile` (`chunks/`), which the function loads then, not at
 * its cold start.
 */
export function lambdaBundleOptions(entryPoint: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    outdir: dirname(outfile),
    entryNames: basename(outfile, extname(outfile)),
    outExtension: { '.js': extname(outfile) },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    metafile: false,
    logLevel: 'warning',
    define: VERSION_DEFINE,
    // Some bundled CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  };
}

/** One bundle written by {@link buildFunctions}. */
export interface BuiltFunction {
  readonly name: FunctionName;
  readonly outfile: string;
  /** What went into the bundle, when asked for. */
  readonly metafile?: Metafile;
}

export async function buildFunctions(
  outRoot = `${root}dist/functions`,
  options: { metafile?: boolean } = {},
): Promise<BuiltFunction[]> {
  await rm(outRoot, { recursive: true, force: true });
  return Promise.all(
    FUNCTION_NAMES.map(async (name) => {
      const outfile = `${outRoot}/${name}/index.mjs`;
      const result = await build({
        ...lambdaBundleOptions(`${root}functions/${name}.ts`, outfile),
        metafile: true,
      });
      assertNamedChunks(name, result.metafile);
      return { name, outfile, ...(options.metafile && result.metafile ? { metafile: result.metafile } : {}) };
    }),
  );
}

/**
 * Refuses a bundle in which code loaded on first use is a chunk that exports
 * only `default`: what a split bundle makes of a CommonJS package imported
 * with `import()`, so that the names the importer takes from it are undefined
 * (an SQS command is then "not a constructor" on the first dead letter).
 * Import such a package through a module of ours (lib/aws-sqs.ts).
 */
function assertNamedChunks(name: FunctionName, metafile: Metafile | undefined): void {
  const outputs = metafile?.outputs ?? {};
  for (const [path, output] of Object.entries(outputs)) {
    for (const imported of output.imports) {
      const exports = outputs[imported.path]?.exports;
      if (imported.kind === 'dynamic-import' && exports?.length === 1 && exports[0] === 'default') {
        throw new Error(
          `${name}: ${path} imports ${imported.path} on first use, which exports only default (a CommonJS package split off): import it through a module of ours`,
        );
      }
    }
  }
}

/**
 * The outputs a cold start of a bundle loads: the entry and every chunk it
 * imports statically. Chunks behind a first-use `import()` are left out.
 */
export function coldStartOutputs(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint);
  const seen = new Set<string>();
  const stack = entry ? [entry] : [];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && outputs[imported.path]) stack.push(imported.path);
    }
  }
  return [...seen];
}

/** Where the CLI is built: package.json's `bin`. */
export const CLI_OUTFILE = `${root}bin/happytalk-archive.mjs`;

/**
 * Builds the CLI: cli/main.ts and the project's own modules in one ESM
 * file for Node.js 20, every package left to `node_modules` (so it runs with
 * the runtime dependencies of an installed package, and nothing of
 * devDependencies), executable, with a shebang.
 */
export async function buildCli(outfile = CLI_OUTFILE): Promise<string> {
  await build({
    entryPoints: [`${root}cli/main.ts`],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    define: VERSION_DEFINE,
    banner: { js: '#!/usr/bin/env node' },
  });
  await chmod(outfile, 0o755);
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await Promise.all([buildFunctions(), buildCli()]);
  console.log(
    `built ${[...FUNCTION_NAMES.map((n) => `dist/functions/${n}/index.mjs`), 'bin/happytalk-archive.mjs'].join(', ')}`,
  );
}
