import { describeValue, InvalidRoomIdError } from './errors.js';

const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks a room id before any I/O: 1 to 128 characters of `[A-Za-z0-9_-]`.
 * The id becomes part of S3 keys, so anything else (slashes, dots, percent
 * signs, unicode, whitespace, control characters) is refused.
 *
 * @returns the id, typed as a string
 * @throws InvalidRoomIdError with a message that names the value received
 */
export function validateRoomId(value: unknown): string {
  if (typeof value !== 'string') {
    throw new InvalidRoomIdError(`invalid room id: expected a string, received ${describeType(value)}`);
  }
  if (!ROOM_ID_PATTERN.test(value)) {
    throw new InvalidRoomIdError(
      `invalid room id ${describeValue(value)}: expected 1 to 128 characters of A-Z, a-z, 0-9, "_" or "-"`,
    );
  }
  return value;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${describeValue(value)}`;
}
