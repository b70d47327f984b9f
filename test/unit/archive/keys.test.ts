import { describe, expect, it } from 'vitest';
import { archiveKeys, indexKey, partitionDate } from '../../../lib/archive/keys.js';

describe('archiveKeys', () => {
  it('partitions raw and transcript keys by date, Hive-style', () => {
    expect(archiveKeys('abc', '2022-05-26')).toEqual({
      rawKey: 'raw/year=2022/month=05/day=26/abc.json',
      transcriptKey: 'transcripts/year=2022/month=05/day=26/abc.json',
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
