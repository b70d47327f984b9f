import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../lib/errors.js';
import { FinalStatuses, parseFinalStatuses, ROOM_STATUS } from '../../../lib/happytalk/finality.js';

describe('FinalStatuses', () => {
  it('holds completed (2) and ended in the chatbot (4) by default, and nothing else', () => {
    // Prepare
    const finals = new FinalStatuses();

    // Act
    const verdicts = Object.fromEntries(
      [...Object.values(ROOM_STATUS), '7', '', ' 4 ', '2.0', 'constructor'].map((code) => [
        code,
        finals.has(code),
      ]),
    );

    // Assess
    expect(finals.codes).toEqual(['2', '4']);
    expect(String(finals)).toBe('2,4');
    expect(verdicts).toEqual({
      '-2': false,
      '-1': false,
      '0': false,
      '1': false,
      '2': true,
      '3': false,
      '4': true,
      '7': false,
      '': false,
      ' 4 ': true,
      '2.0': false,
      constructor: false,
    });
  });

  it('reads numbers as HappyTalk may send them, and nothing else', () => {
    // Prepare
    const finals = new FinalStatuses();

    // Act / Assess
    expect([finals.has(2), finals.has(4), finals.has(-1), finals.has(null), finals.has(undefined)]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(finals.has({ toString: () => '2' })).toBe(false);
  });

  it('takes a deleted room (3) as finished only when configured', () => {
    // Act
    const finals = new FinalStatuses(['4', '3', '2']);

    // Assess
    expect(finals.codes).toEqual(['2', '3', '4']);
    expect(finals.has('3')).toBe(true);
  });

  it.each([[[]], [['1', '2']], [['-1']], [['2', '2']], [['7']], [['02']]])('refuses %j', (codes) => {
    // Act
    const create = () => new FinalStatuses(codes);

    // Assess
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(`received ${JSON.stringify(codes)}`);
  });
});

describe('parseFinalStatuses', () => {
  it('reads a comma-separated list, spaces and empty items ignored', () => {
    expect(parseFinalStatuses(' 2 , 4,', 'finalStatuses').codes).toEqual(['2', '4']);
  });

  it('names what the list came from when it is not valid', () => {
    expect(() => parseFinalStatuses('2,0', 'context "finalStatuses"')).toThrow(
      /^context "finalStatuses": the final statuses must be distinct codes among 2, 3, 4/,
    );
  });
});
