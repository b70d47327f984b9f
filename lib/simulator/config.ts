import { SimulatorConfigError } from './errors.js';
import type { SimulatorEncoding, SimulatorOptions } from './server.js';

/** The port `npx tsx lib/simulator/main.ts` listens on when `SIMULATOR_PORT` is not set. */
export const DEFAULT_SIMULATOR_PORT = 8787;

function integerVariable(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
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

/**
 * Simulator options from the environment, for the runnable entry:
 * `SIMULATOR_PORT` (default 8787), `SIMULATOR_HOST` (default 127.0.0.1),
 * `SIMULATOR_TOKEN` (default `local-dev-token`), `SIMULATOR_LATENCY_MS`
 * (default 0), and the optional `SIMULATOR_CLIENT_ID`,
 * `SIMULATOR_CLIENT_SECRET` and `SIMULATOR_ENCODING` (`php` or `utf8`).
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
  return {
    ...options,
    ...(token === undefined ? {} : { token }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    ...(encoding === undefined ? {} : { encoding }),
  };
}
