/**
 * The fingerprint of what the normalizer derives: the SHA-256 of the
 * transcripts of a fixed corpus of raw responses
 * (`test/fixtures/normalizer-corpus.json`: the spec's example, the simulator's
 * sample rooms and generated rooms on both sides of HappyTalk's template V2
 * deadline, frozen), each with a fixed fetch time, written to
 * `test/fixtures/normalizer-fingerprint.json` with the archiver version.
 *
 * A unit test fails when the normalizer's output changes while the version
 * stays the same: `verify` would then call transcripts of that version
 * mismatches instead of stale. Bump `version` in package.json, then run
 * `npx tsx scripts/normalizer-fingerprint.ts`. `--corpus` first writes the
 * corpus again from the simulator (to cover new shapes; a new corpus needs a
 * new fingerprint, not a new version).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateHistory, type SimRoom, sampleRooms } from '../dev/simulator/index.js';
import { parseChatData } from '../lib/happytalk/client.js';
import { sha256Hex } from '../lib/shared/hash.js';
import { transcriptOf } from '../lib/transcript/normalize.js';
import { ARCHIVER_VERSION } from '../lib/version.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where the fingerprint is pinned, relative to the repository root. */
export const FINGERPRINT_FILE = 'test/fixtures/normalizer-fingerprint.json';
/** The frozen raw responses the fingerprint normalizes, relative to the repository root. */
export const CORPUS_FILE = 'test/fixtures/normalizer-corpus.json';

export interface NormalizerFingerprint {
  readonly archiver_version: string;
  readonly rooms: number;
  readonly sha256: string;
}

/** The corpus as the simulator makes it today: one raw response per line. */
function simulatorCorpus(): string[] {
  return [
    readFileSync(`${root}test/fixtures/chat-data-example.json`, 'utf8').trim(),
    ...[...sampleRooms(), ...generateHistory({ from: '2026-06-27', days: 6, roomsPerDay: 2, seed: 3 })].map(
      (room: SimRoom) => JSON.stringify({ result: 'success', data: [room] }),
    ),
  ];
}

/** The fingerprint of this archiver's normalizer (see the module's comment). */
export function normalizerFingerprint(): NormalizerFingerprint {
  const corpus = JSON.parse(readFileSync(`${root}${CORPUS_FILE}`, 'utf8')) as string[];
  const bodies = corpus.map((body) => new TextEncoder().encode(body));
  const hash = createHash('sha256');
  for (const bytes of bodies) {
    const transcript = transcriptOf(
      {
        ...parseChatData(bytes),
        endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
        fetchedAt: new Date('2026-01-01T00:00:00.000Z'),
        sha256: sha256Hex(bytes),
      },
      { timeZone: 'Asia/Seoul' },
    );
    // The version is what the fingerprint is pinned to, not part of what it measures.
    hash.update(JSON.stringify({ ...transcript, source: { ...transcript.source, archiver_version: '' } }));
    hash.update('\n');
  }
  return { archiver_version: ARCHIVER_VERSION, rooms: bodies.length, sha256: hash.digest('hex') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--corpus')) {
    writeFileSync(
      `${root}${CORPUS_FILE}`,
      `[\n${simulatorCorpus()
        .map((body) => JSON.stringify(body))
        .join(',\n')}\n]\n`,
    );
    console.log(`wrote ${CORPUS_FILE}`);
  }
  const fingerprint = normalizerFingerprint();
  writeFileSync(`${root}${FINGERPRINT_FILE}`, `${JSON.stringify(fingerprint, null, 2)}\n`);
  console.log(`wrote ${FINGERPRINT_FILE}: ${JSON.stringify(fingerprint)}`);
}
