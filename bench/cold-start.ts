import { mkdir, stat } from 'node:fs/promises';
import { build, type Metafile } from 'esbuild';
import { HAPPYTALK_BASE_URLS } from '../lib/contract/environment.js';
import { POWERTOOLS } from '../lib/contract/observability.js';
import { lambdaBundleOptions } from '../scripts/build.js';
import { LAMBDA_RUNTIME_ENVIRONMENT, ROOT, runJsonChild } from './processes.js';
import { kib, resultsTable, table } from './report.js';
import { type BenchResult, benchResult, median, repeat } from './results.js';
import type { SuiteContext, SuiteOutcome } from './suite.js';

/** The environment of a deployed function (as the stack writes it), without any endpoint override. */
function deployedEnvironment(home: string): Record<string, string> {
  return {
    ...LAMBDA_RUNTIME_ENVIRONMENT,
    HOME: home,
    ARCHIVE_BUCKET: 'happytalk-archive-bench',
    ATTACHMENT_ARCHIVING: 'off',
    HAPPYTALK_SECRET_ID: 'happytalk/archive-token',
    REDACTION_KEY_SECRET_ID: 'happytalk-archive/redaction-key',
    HAPPYTALK_BASE_URL: HAPPYTALK_BASE_URLS.prod,
    HAPPYTALK_TIMEZONE: 'Asia/Seoul',
    HAPPYTALK_TIMEOUT_MS: '8000',
    HAPPYTALK_RETRY_BUDGET_MS: '20000',
    ARCHIVE_DLQ_URL: 'https://sqs.ap-northeast-2.amazonaws.com/000000000000/archive-dlq',
    ARCHIVE_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/000000000000/archive-queue',
    POWERTOOLS_SERVICE_NAME: POWERTOOLS.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: POWERTOOLS.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: POWERTOOLS.logLevel,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'BENCH',
    AWS_SECRET_ACCESS_KEY: 'BENCH',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** `NODE_OPTIONS` of the deployed functions, passed as flags. */
const DEPLOYED_NODE_FLAGS = ['--enable-source-maps'];

interface Sample {
  importMs: number;
  processMs: number;
}

interface Target {
  readonly name: string;
  readonly file: string;
  readonly metafile?: Metafile;
}

/**
 * Cold start: for each bundle, fresh `node` processes that import it (module
 * init), against a floor bundle that only constructs `S3Client` and
 * `SecretsManagerClient`, built with the same esbuild settings. Runs are
 * interleaved (floor, then each bundle, in a rotating order) so that a busy
 * machine slows both alike.
 */
export async function measureColdStart(context: SuiteContext): Promise<SuiteOutcome> {
  const floorFile = `${context.workDir}/cold-start-floor/index.mjs`;
  const floorBuild = await build({
    ...lambdaBundleOptions(`${ROOT}bench/floors/cold-start.ts`, floorFile),
    metafile: true,
  });
  const home = `${context.workDir}/home`;
  await mkdir(home, { recursive: true });
  const floor: Target = { name: 'floor', file: floorFile, metafile: floorBuild.metafile };
  const targets: Target[] = context.bundles.map((bundle) => ({
    name: bundle.name,
    file: bundle.outfile,
    ...(bundle.metafile ? { metafile: bundle.metafile } : {}),
  }));
  const all = [floor, ...targets];
  const samples = new Map<string, Sample[]>(all.map((target) => [target.name, []]));

  const runs = context.smoke ? 1 : 25;
  await repeat(
    { runs, warmup: context.smoke ? 0 : 2, maxMs: context.smoke ? 30_000 : 90_000 },
    async (round) => {
      const order = all.map((_, index) => all[(index + round) % all.length] as Target);
      const roundSamples: [string, Sample][] = [];
      for (const target of order) {
        const sample = await runJsonChild<Sample>(
          context.runtime.binary,
          [...DEPLOYED_NODE_FLAGS, `${ROOT}bench/runners/cold-start.mjs`, target.file],
          { env: deployedEnvironment(home), timeoutMs: 30_000 },
        );
        roundSamples.push([target.name, sample]);
      }
      return roundSamples;
    },
  ).then((rounds) => {
    for (const round of rounds) for (const [name, sample] of round) samples.get(name)?.push(sample);
  });

  const floorImport = median(samples.get('floor')?.map((s) => s.importMs) ?? []);
  const floorProcess = median(samples.get('floor')?.map((s) => s.processMs) ?? []);
  const floorBytes = (await stat(floorFile)).size;
  const results: BenchResult[] = [];
  const sizeResults: BenchResult[] = [];
  const processResults: BenchResult[] = [];
  for (const target of targets) {
    const own = samples.get(target.name) ?? [];
    results.push(
      benchResult({
        name: `cold_start.${target.name}`,
        value: median(own.map((s) => s.importMs)),
        unit: 'ms',
        floor: floorImport,
        budget: { limit: 1.3 },
      }),
    );
    processResults.push(
      benchResult({
        name: `cold_start_process.${target.name}`,
        value: median(own.map((s) => s.processMs)),
        unit: 'ms',
        floor: floorProcess,
      }),
    );
    sizeResults.push(
      benchResult({
        name: `bundle_size.${target.name}`,
        value: (await stat(target.file)).size,
        unit: 'bytes',
        floor: floorBytes,
        budget: { limit: 1.5 },
      }),
    );
  }

  const section = [
    '## 1. Cold start and bundle size',
    '',
    `Each figure is the median of ${samples.get('floor')?.length ?? 0} fresh processes per bundle, run on ${context.runtime.label}`,
    'with the deployed `NODE_OPTIONS` (`--enable-source-maps`) and the deployed environment variables (no endpoint',
    'overrides; nothing is called). `cold_start.*` is the time `await import(bundle)` takes in a fresh process: module',
    'init, with the configuration read and validated and every client constructed. The floor is a bundle built with the',
    'same esbuild settings (`lambdaBundleOptions` in `scripts/build.ts`) that only imports and constructs `S3Client`',
    'and `SecretsManagerClient` (`bench/floors/cold-start.ts`). Floor and bundles are run in turn, in a rotating',
    "order, so that a busy machine slows them alike. `cold_start_process.*` (no budget) is the time from the process's",
    'start to the end of the import, Node.js bootstrap included. `bundle_size.*` is the size of `index.mjs`.',
    '',
    resultsTable([...results, ...sizeResults, ...processResults]),
    '',
    'What the bundles hold (bytes of minified output per package, largest first):',
    '',
    compositionTable([floor, ...targets]),
  ].join('\n');
  return { results: [...results, ...sizeResults, ...processResults], section };
}

function compositionTable(targets: readonly Target[]): string {
  const byTarget = targets.map((target) => ({ name: target.name, sizes: packageSizes(target.metafile) }));
  const packages = new Map<string, number>();
  for (const { sizes } of byTarget) {
    for (const [name, bytes] of sizes) packages.set(name, Math.max(packages.get(name) ?? 0, bytes));
  }
  const top = [...packages].sort((a, b) => b[1] - a[1]).slice(0, 14);
  const rows = top.map(([name]) => [
    `\`${name}\``,
    ...byTarget.map(({ sizes }) => {
      const bytes = sizes.get(name);
      return bytes === undefined ? '–' : kib(bytes);
    }),
  ]);
  return table(['package', ...byTarget.map(({ name }) => name)], rows);
}

/** Output bytes per npm package (or per top-level folder of this repository). */
function packageSizes(metafile: Metafile | undefined): Map<string, number> {
  const sizes = new Map<string, number>();
  const output = metafile
    ? Object.values(metafile.outputs).find((candidate) => candidate.entryPoint)
    : undefined;
  for (const [file, input] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)(\/v4\/(?:classic|mini|core))?/.exec(file);
    const name = match
      ? `${match[1]}${match[2] ?? ''}`
      : file.replace(/^(\.\.\/)+/, '').replace(/\/[^/]+$/, '/');
    sizes.set(name, (sizes.get(name) ?? 0) + input.bytesInOutput);
  }
  return sizes;
}
