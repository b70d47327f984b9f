/**
 * The functions of the archive: one bundle each (`npm run build` writes
 * `dist/functions/<name>/index.mjs` from `functions/<name>.ts`), one Lambda
 * function each in the stack.
 */
export const FUNCTION_NAMES = [
  'http-api',
  'retrieval-api',
  'archive-events',
  'reconcile',
  'completion-watcher',
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * `NODE_OPTIONS` of each deployed function (the stack sets it; the benchmark
 * measures each function's cold start with it). `--enable-source-maps` makes
 * stack traces name the TypeScript sources, at the price of reading the
 * bundle's source map at every cold start: see docs/PERFORMANCE.md.
 */
export const FUNCTION_NODE_OPTIONS: Readonly<Record<FunctionName, string>> = {
  'http-api': '--enable-source-maps',
  'retrieval-api': '--enable-source-maps',
  'archive-events': '--enable-source-maps',
  reconcile: '--enable-source-maps',
  'completion-watcher': '--enable-source-maps',
};
