import { ArchiveError } from '../errors.js';

/**
 * Errors of the HappyTalk API, translated at the client boundary. None of them
 * carries the token or any text of HappyTalk's answer: messages name the room,
 * the HTTP status, a redirect's host, or HappyTalk's fail code with a fixed text
 * per documented code (an undocumented message is given by its length).
 */
export abstract class HappyTalkError extends ArchiveError {}

/** `-501` (token, uuid) or `-502` (unAuthorized), or HTTP 401/403: the token or credentials are wrong. */
export class HappyTalkAuthError extends HappyTalkError {
  readonly code = 'UPSTREAM_AUTH';
  readonly retryable = false;
}

/** `-503` (room, users), an empty `data`, or `data` without the requested room. */
export class RoomNotFoundError extends HappyTalkError {
  readonly code = 'ROOM_NOT_FOUND';
  readonly retryable = false;
}

/** `-504` overDate: the room is outside the period HappyTalk lets this token query. */
export class OverDateError extends HappyTalkError {
  readonly code = 'OUT_OF_QUERY_WINDOW';
  readonly retryable = false;
}

/** HappyTalk refused the request itself (an HTTP 4xx other than 401/403/429): retrying cannot help. */
export class HappyTalkRequestError extends HappyTalkError {
  readonly code = 'UPSTREAM_REJECTED';
  readonly retryable = false;
}

/**
 * HappyTalk's host answered a redirect (HTTP 3xx). Requests carry the token
 * and client secret, so redirects are never followed: the base URL is wrong,
 * or something in front of HappyTalk sends the credentials elsewhere.
 */
export class HappyTalkRedirectError extends HappyTalkError {
  readonly code = 'UPSTREAM_REDIRECT';
  readonly retryable = false;
}

/**
 * HappyTalk's answer holds the credentials the request carried: an upstream
 * (or a proxy) that echoes requests. The answer is not archived, since the
 * archive would keep the token for its whole retention period.
 */
export class HappyTalkEchoError extends HappyTalkError {
  readonly code = 'UPSTREAM_ECHO';
  readonly retryable = false;
}

/**
 * HappyTalk could not be reached or did not answer usefully: HTTP 5xx or 429, a
 * timeout, a connection error, a body that is not JSON or not of the documented
 * shape, or a fail code this client does not know. Retried with backoff.
 */
export class HappyTalkUnavailableError extends HappyTalkError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
  readonly retryable = true;
  /** How many attempts were made before giving up (set when retries are exhausted). */
  attempts = 1;
  /** The wait HappyTalk asked for with `Retry-After` (on 429 and 503), in ms. */
  retryAfterMs: number | undefined;

  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number | undefined }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}
