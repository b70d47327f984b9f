import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CORPUS_FILE,
  FINGERPRINT_FILE,
  normalizerFingerprint,
} from '../../../scripts/normalizer-fingerprint.js';

const pinned = JSON.parse(readFileSync(new URL(`../../../${FINGERPRINT_FILE}`, import.meta.url), 'utf8')) as {
  archiver_version: string;
  sha256: string;
};

describe('the normalizer fingerprint', () => {
  it('changes only with the archiver version (bump package.json, then run scripts/normalizer-fingerprint.ts)', () => {
    // Act
    const fingerprint = normalizerFingerprint();

    // Assess
    if (fingerprint.archiver_version === pinned.archiver_version) {
      expect(
        fingerprint.sha256,
        `the normalizer's output changed but archiver version ${fingerprint.archiver_version} did not: ` +
          'verify would call transcripts of this version mismatches. Bump "version" in package.json, then run ' +
          '`npx tsx scripts/normalizer-fingerprint.ts`.',
      ).toBe(pinned.sha256);
    } else {
      expect(
        fingerprint.archiver_version,
        `${FINGERPRINT_FILE} is pinned to version ${pinned.archiver_version}: run \`npx tsx scripts/normalizer-fingerprint.ts\``,
      ).toBe(pinned.archiver_version);
    }
  });

  it('normalizes a corpus of template V1 and V2 rooms, with tags in both forms', () => {
    // Act
    const corpus = JSON.parse(
      readFileSync(new URL(`../../../${CORPUS_FILE}`, import.meta.url), 'utf8'),
    ) as string[];
    const rooms = corpus.flatMap((body) => (JSON.parse(body) as { data: Record<string, unknown>[] }).data);
    const contents = rooms.flatMap((room) => (room.message as { contents: string }[]).map((m) => m.contents));
    const tags = rooms.map((room) => (room.chat as { tags?: unknown }).tags);

    // Assess
    expect(normalizerFingerprint().rooms).toBe(corpus.length);
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(contents.some((text) => text.includes('"buttonList"') && text.includes('"isLocked":true'))).toBe(
      true,
    );
    expect(contents.some((text) => text.includes('"link"'))).toBe(true);
    expect(tags.some((value) => Array.isArray(value))).toBe(true);
    expect(tags.some((value) => typeof value === 'string' && value.includes('|'))).toBe(true);
  });
});
