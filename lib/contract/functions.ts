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
