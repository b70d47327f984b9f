import { ArchiveError } from '../../lib/errors.js';

/** How an error is answered on the HTTPS path: a status, a code and a fixed public message. */
export interface PublicError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

const UPSTREAM_CONFIGURATION: Omit<PublicError, 'message'> = { status: 502, code: 'UPSTREAM_CONFIGURATION' };

/**
 * Maps an error to its public answer. Messages are fixed per code, except for
 * the caller's own input (an invalid room id), so that no internals leak.
 */
export function toPublicError(error: unknown, roomId: string | undefined): PublicError {
  const room = roomId ?? 'the room';
  if (!(error instanceof ArchiveError)) {
    return { status: 500, code: 'INTERNAL', message: 'the archive failed unexpectedly' };
  }
  switch (error.code) {
    case 'INVALID_ROOM_ID':
      return { status: 400, code: error.code, message: error.message };
    case 'ROOM_NOT_FOUND':
      return { status: 404, code: error.code, message: `HappyTalk has no room ${room}` };
    case 'OUT_OF_QUERY_WINDOW':
      return {
        status: 422,
        code: error.code,
        message: `room ${room} is outside the period HappyTalk lets this account query`,
      };
    case 'UNPROCESSABLE_RESPONSE':
      return {
        status: 422,
        code: error.code,
        message: `HappyTalk's answer for room ${room} cannot be normalized: its raw bytes are kept, without a transcript`,
      };
    case 'UPSTREAM_AUTH':
    case 'UPSTREAM_REJECTED':
    case 'UPSTREAM_REDIRECT':
    case 'UPSTREAM_ECHO':
    case 'SECRET_MALFORMED':
    case 'SECRET_ACCESS':
    case 'CONFIGURATION':
      return {
        ...UPSTREAM_CONFIGURATION,
        message: 'the archive could not authenticate with HappyTalk: check its token and configuration',
      };
    case 'UPSTREAM_UNAVAILABLE':
    case 'SECRET_UNAVAILABLE':
      return {
        status: 503,
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'HappyTalk is unavailable: try again later',
      };
    case 'STORAGE_UNAVAILABLE':
      return {
        status: 503,
        code: error.code,
        message: 'the archive storage is unavailable: try again later',
      };
    default:
      return { status: 500, code: 'INTERNAL', message: 'the archive failed unexpectedly' };
  }
}

/** The fields of an error that are safe to log (never the cause's payloads). */
export function loggableError(error: unknown): Record<string, unknown> {
  if (error instanceof ArchiveError) {
    return { name: error.name, code: error.code, retryable: error.retryable, message: error.message };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}
