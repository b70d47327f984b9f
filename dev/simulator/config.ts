import { parseWholeNumber } from '../../lib/shared/integer.js';
import { SimulatorConfigError } from './errors.js';
import { type GenerateHistoryOptions, generateHistory } from './history.js';
import { sampleRooms } from './sample-rooms.js';
import type { SimulatorEncoding, SimulatorOptions } from './server.js';

/** The port `npx tsx dev/simulator/main.ts` listens on when `SIMULATOR_PORT` is not set. */
export const DEFAULT_SIMULATOR_PORT = 8787;

function integerVariable(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const value = parseWholeNumber(raw);
  if (value === undefined || value < min || value > max) {
    throw new SimulatorConfigError(`${name} must be an integer from ${min} to ${max}, received "${raw}"`);
  }
  return value;
}

function textVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function encodingVariable(env: NodeJS.ProcessEnv): SimulatorEncoding | undefined {
  const raw = textVariable(env, 'SIMULATOR_ENCODING');
  if (raw === undefined || raw === 'php' || raw === 'utf8') {
    return raw;
  }
  throw new SimulatorConfigError(`SIMULATOR_ENCODING must be "php" or "utf8", received "${raw}"`);
}

/** `SIMULATOR_HISTORY=FROM:DAYS:ROOMS_PER_DAY`, e.g. `2024-03-01:31:40`. */
function historyVariable(env: NodeJS.ProcessEnv): GenerateHistoryOptions | undefined {
  const raw = textVariable(env, 'SIMULATOR_HISTORY');
  if (raw === undefined) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}):([1-9]\d{0,3}):([1-9]\d{0,4})$/.exec(raw);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new SimulatorConfigError(
      `SIMULATOR_HISTORY must be FROM:DAYS:ROOMS_PER_DAY such as 2024-03-01:31:40, received "${raw}"`,
    );
  }
  return { from: match[1], days: Number(match[2]), roomsPerDay: Number(match[3]) };
}

/**
 * Simulator options from the environment, for the runnable entry:
 * `SIMULATOR_PORT` (default 8787), `SIMULATOR_HOST` (default 127.0.0.1),
 * `SIMULATOR_TOKEN` (default `local-dev-token`), `SIMULATOR_LATENCY_MS`
 * (default 0), and the optional `SIMULATOR_CLIENT_ID`,
 * `SIMULATOR_CLIENT_SECRET` and `SIMULATOR_ENCODING` (`php` or `utf8`);
 * `SIMULATOR_HISTORY` (`FROM:DAYS:ROOMS_PER_DAY`: generated rooms beside the
 * samples, for backfill and reconciliation), `SIMULATOR_QUERY_MAX_DAYS` and
 * `SIMULATOR_QUERY_MAX_AGE_DAYS` (the query window answering overDate).
 *
 * @throws SimulatorConfigError naming the variable that is out of range.
 */
export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): SimulatorOptions {
  const options: SimulatorOptions = {
    port: integerVariable(env, 'SIMULATOR_PORT', 0, 65_535) ?? DEFAULT_SIMULATOR_PORT,
    host: textVariable(env, 'SIMULATOR_HOST') ?? '127.0.0.1',
    latencyMs: integerVariable(env, 'SIMULATOR_LATENCY_MS', 0, 600_000) ?? 0,
  };
  const token = textVariable(env, 'SIMULATOR_TOKEN');
  const clientId = textVariable(env, 'SIMULATOR_CLIENT_ID');
  const clientSecret = textVariable(env, 'SIMULATOR_CLIENT_SECRET');
  const encoding = encodingVariable(env);
  const history = historyVariable(env);
  const maxDays = integerVariable(env, 'SIMULATOR_QUERY_MAX_DAYS', 1, 36_500);
  const maxAgeDays = integerVariable(env, 'SIMULATOR_QUERY_MAX_AGE_DAYS', 1, 36_500);
  return {
    ...options,
    ...(history === undefined ? {} : { rooms: [...sampleRooms(), ...generateHistory(history)] }),
    ...(maxDays === undefined && maxAgeDays === undefined
      ? {}
      : {
          queryWindow: {
            ...(maxDays === undefined ? {} : { maxDays }),
            ...(maxAgeDays === undefined ? {} : { maxAgeDays }),
          },
        }),
    ...(token === undefined ? {} : { token }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    ...(encoding === undefined ? {} : { encoding }),
  };
}
