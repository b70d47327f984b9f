import { describe, expect, it } from 'vitest';
import { simulatorOptionsFromEnv } from '../../../dev/simulator/config.js';
import { SimulatorConfigError } from '../../../dev/simulator/errors.js';

describe('simulatorOptionsFromEnv', () => {
  it('defaults to 127.0.0.1:8787 with no latency', () => {
    // Act
    const options = simulatorOptionsFromEnv({});

    // Assess
    expect(options).toEqual({ host: '127.0.0.1', port: 8787, latencyMs: 0 });
  });

  it('reads every variable', () => {
    // Prepare
    const env = {
      SIMULATOR_PORT: '9000',
      SIMULATOR_HOST: '0.0.0.0',
      SIMULATOR_TOKEN: 'tok',
      SIMULATOR_LATENCY_MS: '150',
      SIMULATOR_CLIENT_ID: 'id',
      SIMULATOR_CLIENT_SECRET: 'secret',
      SIMULATOR_ENCODING: 'utf8',
    };

    // Act
    const options = simulatorOptionsFromEnv(env);

    // Assess
    expect(options).toEqual({
      host: '0.0.0.0',
      port: 9000,
      token: 'tok',
      latencyMs: 150,
      clientId: 'id',
      clientSecret: 'secret',
      encoding: 'utf8',
    });
  });

  it('serves a generated history beside the samples, behind a query window, when asked', () => {
    // Act
    const options = simulatorOptionsFromEnv({
      SIMULATOR_HISTORY: '2024-03-01:2:10',
      SIMULATOR_QUERY_MAX_DAYS: '7',
      SIMULATOR_QUERY_MAX_AGE_DAYS: '365',
    });

    // Assess
    expect(options.queryWindow).toEqual({ maxDays: 7, maxAgeDays: 365 });
    const days = new Set(options.rooms?.map((room) => String(room.chat.reg_date).slice(0, 10)));
    expect(days.has('2024-03-01') && days.has('2024-03-02') && days.has('2022-05-26')).toBe(true);
    expect(options.rooms?.length).toBeGreaterThan(6 + 2 * 7);
  });

  it.each([
    [{ SIMULATOR_PORT: 'abc' }, 'SIMULATOR_PORT must be an integer from 0 to 65535, received "abc"'],
    [{ SIMULATOR_PORT: '70000' }, 'SIMULATOR_PORT must be an integer from 0 to 65535, received "70000"'],
    [
      { SIMULATOR_LATENCY_MS: '-5' },
      'SIMULATOR_LATENCY_MS must be an integer from 0 to 600000, received "-5"',
    ],
    [{ SIMULATOR_ENCODING: 'latin1' }, 'SIMULATOR_ENCODING must be "php" or "utf8", received "latin1"'],
    [
      { SIMULATOR_HISTORY: '2024-03-01:31' },
      'SIMULATOR_HISTORY must be FROM:DAYS:ROOMS_PER_DAY such as 2024-03-01:31:40, received "2024-03-01:31"',
    ],
  ])('rejects %j, naming the variable', (env, message) => {
    // Act & Assess
    expect(() => simulatorOptionsFromEnv(env)).toThrow(SimulatorConfigError);
    expect(() => simulatorOptionsFromEnv(env)).toThrow(message);
  });
});
