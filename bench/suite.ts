import type { BuiltFunction } from '../scripts/build.js';
import type { NodeRuntime } from './processes.js';
import type { BenchResult } from './results.js';

/** What every suite is given. */
export interface SuiteContext {
  /** Tiny sizes and one repetition: proves the benchmark works, measures nothing. */
  readonly smoke: boolean;
  /** Where the measured code runs: Node.js 24 when installed. */
  readonly runtime: NodeRuntime;
  /** The bundles measured, as `scripts/build.ts` built them (with their metafiles). */
  readonly bundles: readonly BuiltFunction[];
  /** A scratch directory, removed at the end. */
  readonly workDir: string;
  /** Progress lines, to stderr. */
  readonly log: (line: string) => void;
}

/** A suite's figures, and its section of `docs/PERFORMANCE.md`. */
export interface SuiteOutcome {
  readonly results: BenchResult[];
  /** Markdown: how the figures are measured, their table, and what the run observed. */
  readonly section: string;
}
