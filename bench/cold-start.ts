import { mkdir } from 'node:fs/promises';
import { build, type Metafile } from 'esbuild';
import { HAPPYTALK_BASE_URLS } from '../lib/contract/environment.js';
import { FUNCTION_NODE_OPTIONS, type FunctionName } from '../lib/contract/functions.js';
import { POWERTOOLS } from '../lib/contract/observability.js';
import { coldStartOutputs, lambdaBundleOptions } from '../scripts/build.js';
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

/** The flags of `NODE_OPTIONS` each variant runs with: Node.js's source-map support on, or off. */
const VARIANTS = {
  source_maps: ['--enable-source-maps'],
  no_source_maps: [],
} as const satisfies Record<string, readonly string[]>;

type Variant = keyof typeof VARIANTS;

/** The variant a deployed function runs as: its `NODE_OPTIONS` (lib/contract/functions.ts). */
function deployedVariant(name: FunctionName): Variant {
  return FUNCTION_NODE_OPTIONS[name].includes('--enable-source-maps') ? 'source_maps' : 'no_source_maps';
}

interface Sample {
  /** `await import(bundle)` on the clock. */
  importMs: number;
  /** From the process's start to the end of the import, on the clock. */
  processMs: number;
  /** The process's CPU time during the import. */
  importCpuMs: number;
  /** The whole process's CPU time (every thread) to the end of the import. */
  processCpuMs: number;
}

interface Target {
  readonly name: 'floor' | FunctionName;
  readonly file: string;
  readonly metafile?: Metafile;
}

const COLD_START_BUDGET = 1.15;

/**
 * Cold start: for each bundle, fresh `node` processes that import it (module
 * init), against a floor bundle that only constructs `S3Client` and
 * `SecretsManagerClient`, built with the same esbuild settings; each with
 * Node.js's source-map support on and off. Runs are interleaved (every
 * bundle in both variants, in a rotating order, each round) so that a busy
 * machine slows them alike; each figure is a median over the rounds.
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
  const runs = [floor, ...targets].flatMap((target) =>
    (Object.keys(VARIANTS) as Variant[]).map((variant) => ({ target, variant })),
  );
  const samples = new Map<string, Sample[]>(
    runs.map(({ target, variant }) => [`${target.name} ${variant}`, []]),
  );

  const rounds = await repeat(
    { runs: context.smoke ? 1 : 31, warmup: context.smoke ? 0 : 2, maxMs: context.smoke ? 30_000 : 150_000 },
    async (round) => {
      const order = runs.map((_, index) => runs[(index + round * 5) % runs.length] as (typeof runs)[number]);
      const roundSamples: [string, Sample][] = [];
      for (const { target, variant } of order) {
        const sample = await runJsonChild<Sample>(
          context.runtime.binary,
          [...VARIANTS[variant], `${ROOT}bench/runners/cold-start.mjs`, target.file],
          { env: deployedEnvironment(home), timeoutMs: 30_000 },
        );
        roundSamples.push([`${target.name} ${variant}`, sample]);
      }
      return roundSamples;
    },
  );
  for (const round of rounds) for (const [name, sample] of round) samples.get(name)?.push(sample);
  const figure = (name: string, variant: Variant, field: keyof Sample) =>
    median(samples.get(`${name} ${variant}`)?.map((sample) => sample[field]) ?? []);

  const floorBytes = loadedBytes(floor.metafile);
  const results: BenchResult[] = [];
  const sizeResults: BenchResult[] = [];
  const otherResults: BenchResult[] = [];
  for (const target of targets) {
    if (target.name === 'floor') continue;
    const deployed = deployedVariant(target.name);
    const other: Variant = deployed === 'source_maps' ? 'no_source_maps' : 'source_maps';
    // Budgeted: CPU time, which a busy machine does not stretch (it only slows it a little); on the
    // clock, the same figures without a budget.
    for (const [prefix, field] of [
      ['cold_start', 'importCpuMs'],
      ['cold_start_process', 'processCpuMs'],
    ] as const) {
      results.push(
        benchResult({
          name: `${prefix}.${target.name}`,
          value: figure(target.name, deployed, field),
          unit: 'ms',
          floor: figure('floor', deployed, field),
          budget: { limit: COLD_START_BUDGET },
        }),
      );
      otherResults.push(
        benchResult({
          name: `${prefix}.${target.name}.${other}`,
          value: figure(target.name, other, field),
          unit: 'ms',
          floor: figure('floor', other, field),
        }),
      );
    }
    for (const [prefix, field] of [
      ['cold_start', 'importMs'],
      ['cold_start_process', 'processMs'],
    ] as const) {
      otherResults.push(
        benchResult({
          name: `${prefix}.${target.name}.wall`,
          value: figure(target.name, deployed, field),
          unit: 'ms',
          floor: figure('floor', deployed, field),
        }),
      );
    }
    otherResults.push(
      benchResult({
        name: `cold_start.${target.name}.source_map_cost`,
        value: figure(target.name, 'source_maps', 'importCpuMs'),
        unit: 'ms',
        floor: figure(target.name, 'no_source_maps', 'importCpuMs'),
      }),
    );
    sizeResults.push(
      benchResult({
        name: `bundle_size.${target.name}`,
        value: loadedBytes(target.metafile),
        unit: 'bytes',
        floor: floorBytes,
        budget: { limit: 1.5 },
      }),
    );
  }

  const deployedRows = targets
    .filter((target): target is Target & { name: FunctionName } => target.name !== 'floor')
    .map((target) => `\`${target.name}\`: ${FUNCTION_NODE_OPTIONS[target.name] || 'none'}`);
  const section = [
    '## 1. Cold start and bundle size',
    '',
    `Each figure is the median of ${rounds.length} fresh processes per bundle and variant, run on ${context.runtime.label}`,
    'with the deployed environment variables (no endpoint overrides; nothing is called). `cold_start.*` is the time',
    '`await import(bundle)` takes in a fresh process: module init, with the configuration read and validated and every',
    "client constructed; `cold_start_process.*` is the time from the process's start to the end of the import, Node.js",
    'bootstrap included. Both are budgeted, in the variant each function is deployed with (its `NODE_OPTIONS`:',
    `${deployedRows.join('; ')}); the figures named \`.source_maps\` or \`.no_source_maps\` are the other variant, and`,
    '`cold_start.<function>.source_map_cost` is the import with `--enable-source-maps` against the same import without',
    'it. `cold_start_cpu.*` (no budget) is the CPU time (user and system) of the whole process, which a busy machine',
    'disturbs less than the time on the clock. The floor is a bundle built with the same esbuild settings',
    '(`lambdaBundleOptions` in `scripts/build.ts`) that only imports and constructs `S3Client` and',
    '`SecretsManagerClient` (`bench/floors/cold-start.ts`), run with the same flags. Every bundle runs in both variants',
    'in each round, in an order that rotates from round to round, so that a busy machine slows them alike.',
    '`bundle_size.*` is the JavaScript a cold start loads: `index.mjs` and the chunks it imports statically (code split',
    "off behind a first-use `import()`, and the SDK's own lazy imports, are loaded when first needed, not counted).",
    '',
    resultsTable([...results, ...sizeResults, ...otherResults]),
    '',
    'What the bundles hold (bytes of minified output per package, largest first):',
    '',
    compositionTable([floor, ...targets]),
  ].join('\n');
  return { results: [...results, ...sizeResults, ...otherResults], section };
}

/** The entry output and every chunk it imports statically: the files an import of it loads. */
function loadedOutputs(metafile: Metafile | undefined): string[] {
  if (!metafile) throw new Error('a bundle was built without its metafile');
  return coldStartOutputs(metafile);
}

/** The bytes an import of the bundle loads. */
function loadedBytes(metafile: Metafile | undefined): number {
  return loadedOutputs(metafile).reduce((sum, path) => sum + (metafile?.outputs[path]?.bytes ?? 0), 0);
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
  // The entry and the chunks it loads at once: the composition of a cold start.
  const inputs = metafile
    ? loadedOutputs(metafile).flatMap((path) => Object.entries(metafile.outputs[path]?.inputs ?? {}))
    : [];
  for (const [file, input] of inputs) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)(\/v4\/(?:classic|mini|core))?/.exec(file);
    const name = match
      ? `${match[1]}${match[2] ?? ''}`
      : file.replace(/^(\.\.\/)+/, '').replace(/\/[^/]+$/, '/');
    sizes.set(name, (sizes.get(name) ?? 0) + input.bytesInOutput);
  }
  return sizes;
}
