/**
 * `npm run bench`: measures cold start, per-room overhead, normalization,
 * memory, throughput, what each outcome costs and the redacted copy against
 * floors measured in the same run, and writes `docs/PERFORMANCE.md` and
 * `docs/bench-results.json`.
 *
 * `--smoke`: tiny sizes and one repetition, to prove the benchmark works (the
 * test suite runs it); with `--out-dir` the files go elsewhere.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildFunctions } from '../scripts/build.js';
import { measureColdStart } from './cold-start.js';
import { measureCost } from './cost.js';
import { measureMemory } from './memory.js';
import { measureNormalization } from './normalization.js';
import { measurePerRoom } from './per-room.js';
import { lambdaNodeRuntime, ROOT } from './processes.js';
import { measureRedaction } from './redaction.js';
import { resultsTable } from './report.js';
import { annotated, type BenchResult } from './results.js';
import type { SuiteContext, SuiteOutcome } from './suite.js';
import { measureThroughput } from './throughput.js';

export const SUITES = {
  'cold-start': measureColdStart,
  'per-room': measurePerRoom,
  normalization: measureNormalization,
  memory: measureMemory,
  throughput: measureThroughput,
  cost: measureCost,
  redaction: measureRedaction,
} as const satisfies Record<string, (context: SuiteContext) => Promise<SuiteOutcome>>;

export type SuiteName = keyof typeof SUITES;

export interface BenchOptions {
  readonly smoke: boolean;
  /** Where `PERFORMANCE.md` and `bench-results.json` are written. */
  readonly outDir: string;
  /** Where the bundles are built: default `dist/functions` (a scratch directory in smoke mode). */
  readonly buildDir?: string;
  /** Default: every suite, in order. */
  readonly suites?: readonly SuiteName[];
  readonly log?: (line: string) => void;
}

export interface BenchOutput {
  readonly results: BenchResult[];
  readonly reportPath: string;
  readonly resultsPath: string;
}

/** Runs the suites one after the other (never two at once: they would slow each other). */
export async function runBench(options: BenchOptions): Promise<BenchOutput> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), 'happytalk-archive-bench-'));
  try {
    const runtime = lambdaNodeRuntime({ install: !options.smoke });
    log(`bench: measured code runs on ${runtime.label}`);
    // The full run measures dist/functions itself; the smoke run must not rebuild it under other tests.
    const buildDir = options.buildDir ?? (options.smoke ? `${workDir}/functions` : undefined);
    const bundles = await buildFunctions(buildDir, { metafile: true });
    const context: SuiteContext = { smoke: options.smoke, runtime, bundles, workDir, log };
    const outcomes: SuiteOutcome[] = [];
    for (const name of options.suites ?? (Object.keys(SUITES) as SuiteName[])) {
      const suiteStarted = performance.now();
      log(`bench: ${name}…`);
      outcomes.push(await SUITES[name](context));
      log(`bench: ${name} done in ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s`);
    }
    const measured = outcomes.flatMap((outcome) => outcome.results);
    const results = options.smoke ? measured : annotated(measured, await readAnnotations());
    const elapsedS = (performance.now() - started) / 1000;
    await mkdir(options.outDir, { recursive: true });
    const resultsPath = join(options.outDir, 'bench-results.json');
    const reportPath = join(options.outDir, 'PERFORMANCE.md');
    await writeFile(resultsPath, `${JSON.stringify(results, roundedNumbers, 2)}\n`);
    await writeFile(reportPath, await renderReport(results, outcomes, { ...options, runtime, elapsedS }));
    log(`bench: wrote ${reportPath} and ${resultsPath} in ${elapsedS.toFixed(0)} s`);
    return { results, reportPath, resultsPath };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** `bench/annotations.json`: why each budget a full run misses is missed, and notes on figures, by name. */
async function readAnnotations(): Promise<Parameters<typeof annotated>[1]> {
  return JSON.parse(await readFile(`${ROOT}bench/annotations.json`, 'utf8')) as Parameters<
    typeof annotated
  >[1];
}

/** Throughput's budget is a minimum ratio; every other budget is a maximum. */
function isMinimum(result: BenchResult): boolean {
  return result.name.startsWith('throughput.');
}

/** Six significant digits for measured values; integers (bytes, settings) as they are. */
function roundedNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value;
}

async function renderReport(
  results: readonly BenchResult[],
  outcomes: readonly SuiteOutcome[],
  run: BenchOptions & { runtime: { label: string }; elapsedS: number },
): Promise<string> {
  const budgeted = results.filter((result) => result.budget !== undefined);
  const missed = budgeted.filter((result) => result.met === false);
  const findings = await readFile(`${ROOT}bench/findings.md`, 'utf8');
  return [
    '# Performance',
    '',
    '<!-- Generated by `npm run bench` (bench/main.ts); edit bench/findings.md for the prose at the end. -->',
    '',
    'The work of this system is two network calls (HappyTalk, S3) and a transformation; everything else is',
    'overhead. Absolute times on a development machine are noise, so every figure is compared with a floor',
    'measured in the same run, and the budgets are on the ratio `value / floor`.',
    '',
    `Run: ${run.smoke ? '**smoke mode** (tiny sizes, one repetition: the figures mean nothing)' : 'full'},`,
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'},`,
    `${(totalmem() / 1024 ** 3).toFixed(0)} GiB; measured code on ${run.runtime.label}; the bench itself and the`,
    `loopback servers (HappyTalk simulator, the local S3 (s3rver behind its versioning front), Secrets Manager) on Node.js ${process.version};`,
    `${run.elapsedS.toFixed(0)} s in all. Every figure is a median of repeated runs; \`docs/bench-results.json\``,
    'holds them all as `{name, value, unit, floor, ratio, budget, met}`, with the `cause` of each missed budget and',
    'a `note` where one helps (`bench/annotations.json`).',
    '',
    '## Budgets',
    '',
    `${budgeted.length - missed.length} of ${budgeted.length} budgets met.`,
    '',
    resultsTable(budgeted.filter((result) => !isMinimum(result))),
    '',
    ...(budgeted.some(isMinimum)
      ? [
          'Throughput is the other way round: its ratio must be at least its budget.',
          '',
          resultsTable(budgeted.filter(isMinimum), 'min'),
          '',
        ]
      : []),
    ...outcomes.flatMap((outcome) => [outcome.section, '']),
    findings.trim(),
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      'out-dir': { type: 'string', default: `${ROOT}docs` },
      only: { type: 'string' },
      'build-dir': { type: 'string' },
    },
  });
  const only = values.only?.split(',').map((name) => name.trim());
  for (const name of only ?? []) {
    if (!(name in SUITES)) throw new Error(`unknown suite ${name}: use ${Object.keys(SUITES).join(', ')}`);
  }
  const { results } = await runBench({
    smoke: values.smoke,
    outDir: values['out-dir'],
    ...(values['build-dir'] ? { buildDir: values['build-dir'] } : {}),
    ...(only ? { suites: only as SuiteName[] } : {}),
  });
  const missed = results.filter((result) => result.met === false);
  for (const result of missed) {
    process.stderr.write(
      `budget missed: ${result.name} ratio ${result.ratio.toFixed(2)} (budget ${result.budget})\n`,
    );
  }
}
