import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchOutput, runBench } from '../../bench/main.js';
import { annotated, benchResult } from '../../bench/results.js';

// Proves that `npm run bench` works end to end, in smoke mode (tiny sizes, one repetition).
// Nothing here is about time: the figures of a smoke run mean nothing.

const FIELDS = ['name', 'value', 'unit', 'floor', 'ratio'] as const;

let outDir: string;
let output: BenchOutput;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'happytalk-archive-bench-test-'));
  output = await runBench({ smoke: true, outDir, log: () => {} });
}, 240_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('the benchmark in smoke mode', () => {
  it('measures a figure of every suite', () => {
    // Act
    const prefixes = new Set(output.results.map((result) => result.name.split('.')[0]));

    // Assess
    expect([...prefixes].sort()).toEqual([
      'bundle_size',
      'cold_start',
      'cold_start_process',
      'cost',
      'memory',
      'normalization',
      'per_room',
      'redaction',
      'throughput',
    ]);
  });

  it('gives every figure a finite value, floor and ratio (positive, or zero for a count), and budgets with whether they are met', () => {
    for (const result of output.results) {
      expect(Object.keys(result)).toEqual(
        result.budget === undefined ? [...FIELDS] : [...FIELDS, 'budget', 'met'],
      );
      expect(typeof result.name).toBe('string');
      expect(result.unit).toMatch(/\S/);
      const countable = ['requests', 'calls'].includes(result.unit);
      for (const number of [result.value, result.floor, result.ratio]) {
        expect(Number.isFinite(number), `${result.name}: ${number}`).toBe(true);
        if (countable) expect(number, result.name).toBeGreaterThanOrEqual(0);
        else expect(number, result.name).toBeGreaterThan(0);
      }
      expect(result.floor, result.name).toBeGreaterThan(0);
      expect(result.ratio).toBeCloseTo(result.value / result.floor, 10);
      if (result.budget !== undefined) {
        expect(result.budget).toBeGreaterThan(0);
        expect(typeof result.met).toBe('boolean');
      }
    }
  });

  it('budgets each figure the issue names', () => {
    // Act
    const budgeted = output.results
      .filter((result) => result.budget !== undefined)
      .map((result) => result.name);

    // Assess
    expect(budgeted).toEqual(
      expect.arrayContaining([
        'cold_start.http-api',
        'cold_start.archive-events',
        'cold_start_process.http-api',
        'cold_start_process.completion-watcher',
        'bundle_size.http-api',
        'bundle_size.archive-events',
        'per_room.p50',
        'per_room.copy_on.p50',
        'normalization.linearity',
        'memory.peak_rss_over_idle',
        'memory.copy_off.peak_rss_over_idle',
        'throughput.rooms_per_second',
        'cost.archived.s3_requests',
        'cost.unchanged.s3_requests',
        'cost.archived.copy_off.s3_requests',
        'cost.unchanged.copy_off.s3_requests',
        'cost.watcher.nothing_new.s3_requests',
        'cost.watcher.nothing_new.cold.s3_requests',
      ]),
    );
    expect(budgeted.filter((name) => /^normalization\.\d+\.time_per_message$/.test(name))).toHaveLength(3);
    // The redacted copy per message, as a ratio to normalization's, budgeted from 1,000 messages on.
    expect(budgeted.filter((name) => name.startsWith('redaction.'))).toEqual([
      'redaction.1000.time_per_message',
    ]);
    expect(output.results.map((result) => result.name)).toEqual(
      expect.arrayContaining(['redaction.10.time_per_message', 'redaction.dense.time_per_message']),
    );
  });

  it('counts the S3 requests of each outcome (counts, not times: the same on any machine)', () => {
    // Act
    const requests = (outcome: string) =>
      output.results.find((result) => result.name === `cost.${outcome}.s3_requests`)?.value;

    // Assess
    expect(requests('archived')).toBe(5);
    expect(requests('updated')).toBe(5);
    expect(requests('unchanged')).toBe(1);
    expect(requests('archived.copy_off')).toBe(4);
    expect(requests('updated.copy_off')).toBe(4);
    expect(requests('unchanged.copy_off')).toBe(1);
    expect(requests('watcher.nothing_new')).toBeLessThanOrEqual(1);
    expect(output.results.find((result) => result.name === 'cost.archived.s3.HeadObject')).toBeUndefined();
  });

  it('writes the results and the report to the directory it is given', async () => {
    // Act
    const json = JSON.parse(await readFile(output.resultsPath, 'utf8')) as { name: string }[];
    const report = await readFile(output.reportPath, 'utf8');

    // Assess
    expect(output.resultsPath).toBe(join(outDir, 'bench-results.json'));
    expect(output.reportPath).toBe(join(outDir, 'PERFORMANCE.md'));
    expect(json.map((entry) => entry.name)).toEqual(output.results.map((result) => result.name));
    expect(report).toContain('**smoke mode**');
    for (const heading of [
      '## 1. Cold start',
      '## 2. Per-room',
      '## 3. Normalization',
      '## 4. Memory',
      '## 5. Throughput',
      '## 6. What each outcome costs',
      '## 7. Redaction',
    ]) {
      expect(report).toContain(heading);
    }
  });
});

describe('the annotations of a full run', () => {
  it('give the budgets a run misses their cause, and any figure its note', () => {
    // Prepare
    const results = [
      benchResult({ name: 'a', value: 2, unit: 'ms', floor: 1, budget: { limit: 1.5 } }),
      benchResult({ name: 'b', value: 1, unit: 'ms', floor: 1, budget: { limit: 1.5 } }),
      benchResult({ name: 'c', value: 3, unit: 'ms', floor: 1, budget: { limit: 1.5 } }),
      benchResult({ name: 'd', value: 3, unit: 'ms', floor: 1 }),
    ];

    // Act
    const withAnnotations = annotated(results, {
      causes: { a: 'why a', b: 'why b', d: 'why d' },
      notes: { b: 'about b' },
    });

    // Assess
    expect(withAnnotations.map((result) => result.cause)).toEqual(['why a', undefined, undefined, undefined]);
    expect(withAnnotations.map((result) => result.note)).toEqual([
      undefined,
      'about b',
      undefined,
      undefined,
    ]);
    expect(withAnnotations[0]).toEqual({ ...results[0], cause: 'why a' });
  });

  it('name only figures the benchmark measures', async () => {
    // Act
    const annotations = JSON.parse(
      await readFile(join(import.meta.dirname, '../../bench/annotations.json'), 'utf8'),
    ) as { causes: Record<string, string>; notes: Record<string, string> };
    const names = new Set(output.results.map((result) => result.name));

    // Assess
    const named = [...Object.keys(annotations.causes), ...Object.keys(annotations.notes)];
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !names.has(name))).toEqual([]);
  });
});
