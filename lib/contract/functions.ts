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
 * `NODE_OPTIONS` of each deployed function, none when empty (the stack sets
 * it; the benchmark measures each function's cold start with it).
 * `--enable-source-maps` would make stack traces name the TypeScript sources,
 * at the price of reading and parsing the source maps of the bundle and its
 * chunks at every cold start: about a sixth of a cold start's CPU, for stack
 * traces that only an unexpected error logs (docs/PERFORMANCE.md). The maps
 * ship beside each bundle: set `NODE_OPTIONS=--enable-source-maps` on a
 * function, and its next cold start reads them.
 */
export const FUNCTION_NODE_OPTIONS: Readonly<Record<FunctionName, string>> = {
  'http-api': '',
  'retrieval-api': '',
  'archive-events': '',
  reconcile: '',
  'completion-watcher': '',
};
