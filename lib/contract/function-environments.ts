/**
 * Each function's environment schema by its name, for the infrastructure,
 * which writes every function's environment (a bundle imports its own schema
 * from environment.ts, and nothing of the others).
 */
import {
  ARCHIVE_EVENTS_ENVIRONMENT,
  COMPLETION_WATCHER_ENVIRONMENT,
  type EnvironmentOf,
  type EnvironmentSchema,
  HTTP_API_ENVIRONMENT,
  RECONCILE_ENVIRONMENT,
  RETRIEVAL_API_ENVIRONMENT,
  writeEnvironment,
} from './environment.js';
import type { FunctionName } from './functions.js';

export const FUNCTION_ENVIRONMENTS = {
  'http-api': HTTP_API_ENVIRONMENT,
  'retrieval-api': RETRIEVAL_API_ENVIRONMENT,
  'archive-events': ARCHIVE_EVENTS_ENVIRONMENT,
  reconcile: RECONCILE_ENVIRONMENT,
  'completion-watcher': COMPLETION_WATCHER_ENVIRONMENT,
} as const satisfies Record<FunctionName, EnvironmentSchema>;

/** What a function's environment reads into. */
export type FunctionEnvironment<F extends FunctionName> = EnvironmentOf<(typeof FUNCTION_ENVIRONMENTS)[F]>;

/** The environment variables that give the function `name` these values (see `writeEnvironment`). */
export function functionEnvironment<F extends FunctionName>(
  name: F,
  values: Partial<FunctionEnvironment<F>>,
): Record<string, string> {
  const schema: EnvironmentSchema = FUNCTION_ENVIRONMENTS[name];
  return writeEnvironment(schema, values as Partial<EnvironmentOf<EnvironmentSchema>>);
}
