import type { Logger } from '../lib/logger.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * The CLI's logger: one JSON object per line on stderr, so that stdout carries
 * only results. Lines below `minLevel` are dropped.
 */
export function createStderrLogger(
  minLevel: Level = 'warn',
  write = (line: string) => process.stderr.write(line),
): Logger {
  const threshold = LEVELS.indexOf(minLevel);
  const log = (level: Level) => (message: string, extra?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < threshold) return;
    write(
      `${JSON.stringify({ level: level.toUpperCase(), message, timestamp: new Date().toISOString(), ...extra })}\n`,
    );
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
