import type { Warning } from '../transcript/schema.js';

const NOT_FINAL_REASON = /^room not final after \d+ attempts: archived as it is$/;

/**
 * The warning the event path adds to a room it archives while HappyTalk still
 * has it waiting or in progress, after `attempts` refusals: not the
 * normalizer's, so `verify` and `reindex` keep it apart.
 */
export function notFinalWarning(status: string, attempts: number): Warning {
  return {
    path: 'chat.status',
    value: status,
    reason: `room not final after ${attempts} attempts: archived as it is`,
  };
}

/** Whether a transcript warning is one {@link notFinalWarning} made. */
export function isNotFinalWarning(warning: unknown): boolean {
  if (typeof warning !== 'object' || warning === null) return false;
  const { path, reason } = warning as { path?: unknown; reason?: unknown };
  return path === 'chat.status' && typeof reason === 'string' && NOT_FINAL_REASON.test(reason);
}
