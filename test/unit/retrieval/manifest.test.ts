import { describe, expect, it } from 'vitest';
import { buildManifest, type ExportedRoom } from '../../../lib/retrieval/export.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';

function exported(roomId: string, paths: string[]): ExportedRoom {
  return {
    room: {
      room_id: roomId,
      registered_at: '2024-03-11T14:02:13+09:00',
      transcript_key: `transcripts/year=2024/month=03/day=11/${roomId}.json`,
      raw_key: `raw/year=2024/month=03/day=11/${roomId}.json`,
      source_sha256: 'a'.repeat(64),
    },
    files: paths.map((path, index) => ({ path, sha256: String(index).repeat(64), size: 10 + index })),
    missingAttachments: [],
    problems: [],
  };
}

const base = {
  customerUuid: '1000225570_minji88',
  exportedAt: new Date('2026-02-03T04:05:06.789Z'),
  bucket: 'archive',
  range: undefined,
  archiverVersion: '9.9.9',
};

describe('buildManifest', () => {
  it('lists the rooms by id and every file by path, with what it is an export of', () => {
    const manifest = buildManifest({
      ...base,
      range: { from: '2024-03-01', to: '2024-03-31' },
      rooms: [
        exported('roomB', ['roomB/transcript.json', 'roomB/raw.json']),
        exported('roomA', ['roomA/raw.json']),
      ],
    });

    expect(manifest).toEqual({
      manifest_version: 1,
      customer: { uuid: '1000225570_minji88' },
      exported_at: '2026-02-03T04:05:06.789Z',
      archiver_version: '9.9.9',
      bucket: 'archive',
      range: { from: '2024-03-01', to: '2024-03-31' },
      rooms: [exported('roomA', []).room, exported('roomB', []).room],
      files: [
        { path: 'roomA/raw.json', sha256: '0'.repeat(64), size: 10 },
        { path: 'roomB/raw.json', sha256: '1'.repeat(64), size: 11 },
        { path: 'roomB/transcript.json', sha256: '0'.repeat(64), size: 10 },
      ],
      missing_attachments: [],
      problems: [],
      unprocessable_rooms: [],
    });
  });

  it("gathers the rooms' missing attachments and problems after the export's own", () => {
    const room = {
      ...exported('roomA', ['roomA/transcript.json']),
      missingAttachments: [
        { room_id: 'roomA', key: `attachments/${'f'.repeat(64)}`, sha256: 'f'.repeat(64) },
      ],
      problems: [{ subject: 'roomA', problem: 'raw object raw/… is missing' }],
    };

    const manifest = buildManifest({
      ...base,
      rooms: [room],
      problems: [
        { subject: 'transcripts/x.json', problem: 'transcript unreadable: not UTF-8 JSON (3 bytes)' },
      ],
    });

    expect(manifest.missing_attachments).toEqual(room.missingAttachments);
    expect(manifest.problems.map((problem) => problem.subject)).toEqual(['transcripts/x.json', 'roomA']);
    expect(manifest.range).toBeNull();
  });

  it('is empty, with the customer and the time, when nothing matched', () => {
    const manifest = buildManifest({ ...base, rooms: [] });

    expect([manifest.rooms, manifest.files, manifest.customer.uuid, manifest.exported_at]).toEqual([
      [],
      [],
      '1000225570_minji88',
      '2026-02-03T04:05:06.789Z',
    ]);
  });

  it('defaults to the archiver version of this package', () => {
    const { archiverVersion: _version, ...withoutVersion } = base;
    expect(buildManifest({ ...withoutVersion, rooms: [] }).archiver_version).toBe(ARCHIVER_VERSION);
  });

  it.each([
    ['/etc/passwd', /is not a relative path/],
    ['roomA/../escape', /is not a relative path/],
    ['roomA//raw.json', /is not a relative path/],
  ])('refuses the path %j', (path, message) => {
    expect(() => buildManifest({ ...base, rooms: [exported('roomA', [path])] })).toThrow(message);
  });

  it('refuses a path listed twice', () => {
    expect(() =>
      buildManifest({
        ...base,
        rooms: [exported('roomA', ['roomA/raw.json']), exported('roomB', ['roomA/raw.json'])],
      }),
    ).toThrow('manifest lists "roomA/raw.json" twice');
  });
});
