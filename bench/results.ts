/**
 * One figure of the benchmark, as written to `docs/bench-results.json`:
 * `ratio = value / floor`; `budget` and `met` where a budget applies.
 */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same figure for the floor measured in the same run. */
  readonly floor: number;
  readonly ratio: number;
  /** The most `ratio` may be (the least, for a `min` budget: see {@link BudgetedFigure}). */
  readonly budget?: number;
  readonly met?: boolean;
  /** Why a missed budget is missed, as `bench/annotations.json` states it (measured reasons, kept by hand). */
  readonly cause?: string;
  /** What the figure or its budget stands for, as `bench/annotations.json` states it. */
  readonly note?: string;
}

/** A figure with its floor, and optionally the budget its ratio must keep. */
export interface BudgetedFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly floor: number;
  /** `max` (the default): ratio ≤ limit. `min`: ratio ≥ limit (throughput). */
  readonly budget?: { readonly limit: number; readonly kind?: 'max' | 'min' };
}

/** Computes the ratio, and whether the budget is met. */
export function benchResult(figure: BudgetedFigure): BenchResult {
  const ratio = figure.value / figure.floor;
  const base = { name: figure.name, value: figure.value, unit: figure.unit, floor: figure.floor, ratio };
  if (!figure.budget) return base;
  const { limit, kind = 'max' } = figure.budget;
  return { ...base, budget: limit, met: kind === 'max' ? ratio <= limit : ratio >= limit };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile, linearly interpolated between the closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (rank - lower);
}

/** How often, and for how long at most, a measurement repeats. */
export interface Repetition {
  /** Runs whose results are kept. */
  readonly runs: number;
  /** Runs made first and thrown away (JIT, connection pools, caches). */
  readonly warmup?: number;
  /** Stop early, with at least one kept run, once this many ms have passed. */
  readonly maxMs: number;
}

/**
 * Runs `measure` up to `warmup + runs` times, and stops early once `maxMs`
 * have passed (after at least one kept run). Every loop of the benchmark is
 * bounded this way, in count and in time.
 */
export async function repeat<T>(
  repetition: Repetition,
  measure: (index: number) => Promise<T>,
): Promise<T[]> {
  const started = performance.now();
  const kept: T[] = [];
  const warmup = repetition.warmup ?? 0;
  for (let index = 0; index < warmup + repetition.runs; index++) {
    const outcome = await measure(index);
    if (index >= warmup) kept.push(outcome);
    if (kept.length > 0 && performance.now() - started > repetition.maxMs) break;
  }
  return kept;
}

/** A value rounded for tables: 3 significant digits, at most 2 decimals. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * The results with what `annotations` says of them (a full run only: smoke
 * figures mean nothing): the cause of each budget a result misses
 * (`causes`; a met budget, or one without a stated cause, gets none), and a
 * note on any figure (`notes`: what a budget stands for, say).
 */
export function annotated(
  results: readonly BenchResult[],
  annotations: {
    readonly causes: Readonly<Record<string, string>>;
    readonly notes: Readonly<Record<string, string>>;
  },
): BenchResult[] {
  return results.map((result) => {
    const cause = result.met === false ? annotations.causes[result.name] : undefined;
    const note = annotations.notes[result.name];
    return {
      ...result,
      ...(cause === undefined ? {} : { cause }),
      ...(note === undefined ? {} : { note }),
    };
  });
}
