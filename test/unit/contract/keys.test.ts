import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_PREFIXES,
  archiveKeys,
  attachmentKey,
  INDEX_ROOMS_PREFIX,
  indexKey,
  keyBeside,
  PREFIX,
  parseArchiveKey,
  partitionDate,
  partitionPrefix,
  WATCHER_STATE_KEY,
} from '../../../lib/contract/keys.js';

describe('archiveKeys', () => {
  it('partitions raw and transcript keys by date, Hive-style', () => {
    expect(archiveKeys('abc', '2022-05-26')).toEqual({
      rawKey: 'raw/year=2022/month=05/day=26/abc.json',
      transcriptKey: 'transcripts/year=2022/month=05/day=26/abc.json',
      redactedKey: 'redacted/year=2022/month=05/day=26/abc.json',
      indexKey: 'index/rooms/abc.json',
    });
    expect(indexKey('abc')).toBe('index/rooms/abc.json');
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => archiveKeys('abc', '2022/05/26')).toThrow(/expected YYYY-MM-DD/);
  });
});

describe('partitionDate', () => {
  const fallback = new Date('2024-12-31T15:30:00Z'); // 2025-01-01 00:30 in Seoul

  it('takes the date of reg_date as given, without converting zones', () => {
    expect(partitionDate('2022-05-26 23:59:59', fallback, 'UTC')).toBe('2022-05-26');
  });

  it.each([null, '', '0000-00-00 00:00:00', '2022-02-30 10:00:00', 'yesterday', 20220526])(
    'falls back to the fetch date in the time zone for %j',
    (regDate) => {
      expect(partitionDate(regDate, fallback, 'Asia/Seoul')).toBe('2025-01-01');
      expect(partitionDate(regDate, fallback, 'UTC')).toBe('2024-12-31');
    },
  );
});

describe('partitionPrefix', () => {
  it("is the day's Hive-style partition of an area, as the archive's keys have it", () => {
    expect(partitionPrefix('transcripts', '2024-03-09')).toBe('transcripts/year=2024/month=03/day=09/');
    expect(partitionPrefix('raw', '2024-03-09')).toBe('raw/year=2024/month=03/day=09/');
    expect(partitionPrefix('redacted', '2024-03-09')).toBe('redacted/year=2024/month=03/day=09/');
  });
});

describe('parseArchiveKey', () => {
  it('reads the area, the day and the room of a partitioned key', () => {
    expect(parseArchiveKey('raw/year=2024/month=03/day=09/Room_1-x.json')).toEqual({
      area: 'raw',
      day: '2024-03-09',
      roomId: 'Room_1-x',
      key: 'raw/year=2024/month=03/day=09/Room_1-x.json',
    });
    expect(parseArchiveKey('redacted/year=2024/month=03/day=09/r1.json')).toMatchObject({
      area: 'redacted',
      roomId: 'r1',
    });
  });

  it.each([
    'index/rooms/r1.json',
    'transcripts/year=2024/month=03/r1.json',
    'transcripts/year=2024/month=03/day=09/r 1.json',
    'transcripts/year=2024/month=03/day=09/r1.json.bak',
    'attachments/abc',
  ])('skips %j', (key) => {
    expect(parseArchiveKey(key)).toBeUndefined();
  });
});

describe('the key layout', () => {
  it('names the prefixes of the bucket, the index of rooms and the watcher state', () => {
    expect(PREFIX).toEqual({
      raw: 'raw/',
      transcripts: 'transcripts/',
      index: 'index/',
      attachments: 'attachments/',
      redacted: 'redacted/',
      state: 'state/',
    });
    expect(ARCHIVE_PREFIXES).toEqual({
      raw: 'raw/',
      transcripts: 'transcripts/',
      index: 'index/',
      attachments: 'attachments/',
      redacted: 'redacted/',
    });
    expect(INDEX_ROOMS_PREFIX).toBe('index/rooms/');
    expect(WATCHER_STATE_KEY).toBe('state/completion-watcher.json');
  });

  it('keys an attachment by the hex SHA-256 of its bytes, and refuses anything else', () => {
    const sha256 = 'ab'.repeat(32);
    expect(attachmentKey(sha256)).toBe(`attachments/${sha256}`);
    for (const bad of ['AB'.repeat(32), '../etc/passwd', 'ab'.repeat(31), '']) {
      expect(() => attachmentKey(bad)).toThrow(TypeError);
    }
  });

  it('finds the transcript beside a raw key and the raw answer beside a transcript key', () => {
    expect(keyBeside('raw/year=2024/month=03/day=09/r1.json', 'transcripts')).toBe(
      'transcripts/year=2024/month=03/day=09/r1.json',
    );
    expect(keyBeside('transcripts/year=2024/month=03/day=09/r1.json', 'raw')).toBe(
      'raw/year=2024/month=03/day=09/r1.json',
    );
    expect(keyBeside('transcripts/year=2024/month=03/day=09/r1.json', 'redacted')).toBe(
      'redacted/year=2024/month=03/day=09/r1.json',
    );
    expect(keyBeside('redacted/year=2024/month=03/day=09/r1.json', 'transcripts')).toBe(
      'transcripts/year=2024/month=03/day=09/r1.json',
    );
  });
});
