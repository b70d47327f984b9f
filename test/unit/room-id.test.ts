import { describe, expect, it } from 'vitest';
import { InvalidRoomIdError } from '../../lib/errors.js';
import { validateRoomId } from '../../lib/room-id.js';

describe('validateRoomId', () => {
  it.each(['a', 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG', '12345', 'room_1-2', 'x'.repeat(128)])(
    'accepts %s',
    (id) => {
      expect(validateRoomId(id)).toBe(id);
    },
  );

  it.each([
    ['an empty string', ''],
    ['129 characters', 'x'.repeat(129)],
    ['a path traversal', '../etc'],
    ['a slash', 'a/b'],
    ['an encoded slash', 'a%2Fb'],
    ['a dot', 'a.b'],
    ['a space', 'a b'],
    ['a trailing newline', 'abc\n'],
    ['a null byte', 'ab\u0000c'],
    ['hangul', '상담방'],
    ['an emoji', 'room😀'],
  ])('refuses %s with a message naming the value', (_name, id) => {
    expect(() => validateRoomId(id)).toThrow(InvalidRoomIdError);
    expect(() => validateRoomId(id)).toThrow(/^invalid room id .*: expected 1 to 128 characters/);
  });

  it.each([
    [42, 'number 42'],
    [null, 'null'],
    [undefined, 'undefined'],
    [['a'], 'an array'],
    [{ id: 'a' }, 'an object'],
  ])('refuses the non-string %j', (value, description) => {
    expect(() => validateRoomId(value)).toThrow(
      `invalid room id: expected a string, received ${description}`,
    );
  });

  it('cuts a 10 KB value in its message', () => {
    const error = (() => {
      try {
        validateRoomId('/'.repeat(10_000));
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message.length).toBeLessThan(200);
    expect(error?.message).toContain('(10002 characters)');
  });
});
