/**
 * Builds one minified ESM bundle per Lambda function into
 * `dist/functions/<name>/index.mjs` (with a source map). The CDK stack deploys
 * exactly these directories, so what is tested is what runs in Lambda.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const FUNCTION_NAMES = ['http-api', 'archive-events'] as const;

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildFunctions(outRoot = `${root}dist/functions`): Promise<void> {
  await rm(outRoot, { recursive: true, force: true });
  await Promise.all(
    FUNCTION_NAMES.map((name) =>
      build({
        entryPoints: [`${root}functions/${name}.ts`],
        outfile: `${outRoot}/${name}/index.mjs`,
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
        // Some bundled CommonJS dependencies call require() for Node built-ins.
        banner: {
          js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
      }),
    ),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildFunctions();
  console.log(`built ${FUNCTION_NAMES.map((n) => `dist/functions/${n}/index.mjs`).join(', ')}`);
}
