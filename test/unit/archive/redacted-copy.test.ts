import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type ArchiveRoomDeps, archiveRoom } from '../../../lib/archive/archive-room.js';
import type { IndexRecord, TranscriptIndexRecord } from '../../../lib/archive/index-record.js';
import { bodyBytes, type ObjectBody } from '../../../lib/archive/s3-objects.js';
import type { ArchiveEntry, ArchiveStore, RedactionEntry, WriteOutcome } from '../../../lib/archive/store.js';
import { type ChatDataSource, type FetchedRoom, parseChatData } from '../../../lib/happytalk/client.js';
import type { Logger } from '../../../lib/logger.js';
import { RedactedCopies } from '../../../lib/redaction/copy.js';
import { Pseudonymizer } from '../../../lib/redaction/pseudonym.js';
import { REDACTOR_VERSION } from '../../../lib/redaction/redact.js';
import { rawChat, rawMessage } from '../transcript/builders.js';

const ROOM = 'room0001';
const KEY = 'unit-test-redaction-key-0123456789abcdef';
const SECRET_ID = 'happytalk-archive/redaction-key';
const CUSTOMER = '1000225570_testuser';
const PHONE = '010-2345-6789';
const REDACTED_KEY = `redacted/year=2022/month=05/day=26/${ROOM}.json`;

const secrets = mockClient(SecretsManagerClient);

/** HappyTalk's answer: a customer's message with a telephone number, status 1 (talking) unless told. */
function answer(status = '2'): Uint8Array {
  const body = {
    result: 'success',
    data: [
      {
        chat: rawChat({ id: ROOM, status }),
        message: [rawMessage({ id: '1', contents: `제 번호는 ${PHONE} 입니다` })],
      },
    ],
  };
  return new TextEncoder().encode(JSON.stringify(body));
}

class FakeChatDataSource implements ChatDataSource {
  constructor(public bytes = answer()) {}

  async fetchRoom(roomId: string): Promise<FetchedRoom> {
    return {
      bytes: this.bytes,
      ...parseChatData(this.bytes, roomId),
      endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
      fetchedAt: new Date('2022-05-26T01:31:07.000Z'),
      attempts: 1,
      latencyMs: 1,
    };
  }
}

/** An archive in memory: the index, the transcript line, and what was written how. */
class MemoryArchiveStore implements ArchiveStore {
  index: TranscriptIndexRecord | undefined;
  transcriptLine: string | undefined;
  readonly writes: ArchiveEntry[] = [];
  readonly completions: { index: TranscriptIndexRecord; copy: RedactionEntry }[] = [];
  transcriptReads = 0;

  async readIndex(): Promise<IndexRecord | undefined> {
    return this.index;
  }

  async write(entry: ArchiveEntry): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }> {
    this.writes.push(entry);
    const redaction = entry.redaction;
    this.index = {
      ...entry.index,
      ...(redaction && 'pending' in redaction ? { redaction_pending: redaction.pending } : {}),
      ...(redaction && 'key' in redaction
        ? { redacted_key: redaction.key, redactor_version: redaction.redactorVersion }
        : {}),
    };
    this.transcriptLine = text(entry.transcriptLine);
    return { outcome: 'written', index: this.index };
  }

  async writeRedacted(
    index: TranscriptIndexRecord,
    copy: Exclude<RedactionEntry, { pending: string }>,
  ): Promise<{ outcome: WriteOutcome; index: TranscriptIndexRecord }> {
    this.completions.push({ index, copy });
    const { redaction_pending: _, ...kept } = index;
    this.index = { ...kept, redacted_key: copy.key, redactor_version: copy.redactorVersion };
    return { outcome: 'written', index: this.index };
  }

  async writeUnprocessable(): Promise<never> {
    throw new Error('the rooms of these tests are processable');
  }

  async readTranscript(): Promise<{ index: TranscriptIndexRecord; body: string } | undefined> {
    this.transcriptReads += 1;
    return this.index && this.transcriptLine ? { index: this.index, body: this.transcriptLine } : undefined;
  }

  async readRaw(): Promise<undefined> {
    return undefined;
  }
}

function text(line: ObjectBody): string {
  return Buffer.from(bodyBytes(line)).toString('utf8');
}

/** Every line a logger was given, as JSON text. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, ...extra }));
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function setUp(
  options: { secret?: 'ok' | 'throttled' | 'denied' | 'short' | 'none'; redaction?: boolean } = {},
) {
  const store = new MemoryArchiveStore();
  const source = new FakeChatDataSource();
  const logger = recordingLogger();
  const pending: { roomId: string; reason: string }[] = [];
  const secret = options.secret ?? 'ok';
  if (secret === 'ok')
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ key: KEY }) });
  if (secret === 'short') secrets.on(GetSecretValueCommand).resolves({ SecretString: 'too-short' });
  if (secret === 'throttled') {
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('slow'), { name: 'ThrottlingException' }));
  }
  if (secret === 'denied') {
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
  }
  const copies = new RedactedCopies({
    key: secret === 'none' ? undefined : { kind: 'secret', secretId: SECRET_ID },
    secretsManager: () => new SecretsManagerClient({ region: 'ap-northeast-2' }),
  });
  const deps: ArchiveRoomDeps = {
    source,
    store,
    logger,
    ...(options.redaction === false ? {} : { redaction: copies }),
    onRedactionPending: (report) => pending.push(report),
  };
  return { store, source, logger, pending, deps };
}

function copyOf(
  entry: ArchiveEntry | undefined,
): Record<string, unknown> & { redaction: Record<string, unknown> } {
  const redaction = entry?.redaction;
  if (!redaction || !('line' in redaction)) throw new Error('no redacted copy was written');
  return JSON.parse(text(redaction.line));
}

describe('archiveRoom with redacted copies', () => {
  beforeEach(() => {
    secrets.reset();
  });

  it('writes the redacted copy of the final transcript beside it, keyed and described', async () => {
    // Prepare
    const { store, source, deps } = setUp();
    source.bytes = answer('1');

    // Act: archived while open after 3 deliveries, so the final transcript carries a warning the archive adds.
    const summary = await archiveRoom(ROOM, deps, { notFinalAfterAttempts: 3 });

    // Assess
    expect(summary).not.toHaveProperty('redaction_pending');
    const entry = store.writes[0];
    const redaction = entry?.redaction;
    expect(redaction).toMatchObject({ key: REDACTED_KEY, redactorVersion: REDACTOR_VERSION });
    const copy = copyOf(entry);
    const transcript = JSON.parse(store.transcriptLine ?? '');
    expect(copy.messages).toEqual([
      expect.objectContaining({ text: '제 번호는 [PHONE] 입니다', from_id: expect.stringMatching(/^ps_/) }),
    ]);
    expect(copy.chat).toMatchObject({
      customer: { uuid: new Pseudonymizer(KEY).pseudonym('customer', CUSTOMER) },
    });
    expect(copy.warnings).toHaveLength(transcript.warnings.length);
    expect(JSON.stringify(copy.warnings)).toContain('not final');
    expect(copy.redaction).toMatchObject({
      redactor_version: REDACTOR_VERSION,
      mask: 'type',
      // The message's text and its contents.
      counts: { PHONE: 2 },
      pseudonym_key_id: new Pseudonymizer(KEY).keyId,
      counselors: 'kept',
    });
    expect(text(redaction && 'line' in redaction ? redaction.line : '')).not.toContain(PHONE);
    expect(transcript.messages[0].text).toContain(PHONE);
  });

  it('writes no copy and reads no key when copies are off', async () => {
    // Prepare
    const { store, deps } = setUp({ redaction: false });

    // Act
    await archiveRoom(ROOM, deps);

    // Assess
    expect(store.writes[0]).not.toHaveProperty('redaction');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it.each([
    ['throttled', 'REDACTION_KEY_UNAVAILABLE'],
    ['denied', 'REDACTION_KEY_ACCESS'],
    ['short', 'REDACTION_KEY_INVALID'],
    ['none', 'REDACTION_KEY_NOT_CONFIGURED'],
  ] as const)('archives the transcript with the copy pending when the key is %s', async (secret, reason) => {
    // Prepare
    const { store, deps, pending, logger } = setUp({ secret });

    // Act
    const summary = await archiveRoom(ROOM, deps);

    // Assess
    expect(summary).toMatchObject({ status: 'archived', redaction_pending: reason });
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]?.redaction).toEqual({ pending: reason });
    // The transcript itself is archived all the same, unredacted.
    expect(JSON.parse(store.transcriptLine ?? '{}')).toMatchObject({ room_id: ROOM });
    expect(store.transcriptLine).toContain(PHONE);
    expect(pending).toEqual([{ roomId: ROOM, reason }]);
    const warning = logger.lines.find((line) => line.includes('redacted copy pending'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 'warn', room_id: ROOM, reason });
    for (const line of logger.lines) {
      expect(line).not.toContain(PHONE);
      expect(line).not.toContain('too-short');
    }
  });

  it('reads the key once for many rooms, and reads it again after a failure', async () => {
    // Prepare
    const { deps, store } = setUp({ secret: 'none' });
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('slow'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: KEY });
    const copies = new RedactedCopies({
      key: { kind: 'secret', secretId: SECRET_ID },
      secretsManager: () => new SecretsManagerClient({ region: 'ap-northeast-2' }),
    });

    // Act
    const first = await archiveRoom(ROOM, { ...deps, redaction: copies });
    store.index = undefined;
    const second = await archiveRoom(ROOM, { ...deps, redaction: copies });
    store.index = undefined;
    const third = await archiveRoom(ROOM, { ...deps, redaction: copies });

    // Assess
    expect(first.redaction_pending).toBe('REDACTION_KEY_UNAVAILABLE');
    expect(second).not.toHaveProperty('redaction_pending');
    expect(third).not.toHaveProperty('redaction_pending');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('completes a pending copy on the next archive of the unchanged room', async () => {
    // Prepare
    const { store, deps } = setUp();
    const offline = setUp({ secret: 'none' });
    await archiveRoom(ROOM, { ...offline.deps, store });
    const archived = store.writes.length;

    // Act
    const summary = await archiveRoom(ROOM, deps);

    // Assess
    expect(summary.status).toBe('updated');
    expect(summary).not.toHaveProperty('redaction_pending');
    expect(store.writes).toHaveLength(archived);
    expect(store.completions).toHaveLength(1);
    expect(store.completions[0]?.copy).toMatchObject({
      key: REDACTED_KEY,
      redactorVersion: REDACTOR_VERSION,
    });
    expect(store.index).toMatchObject({ redacted_key: REDACTED_KEY });
    expect(store.index).not.toHaveProperty('redaction_pending');
  });

  it('makes the copy of a room archived before copies were written, on its next archive', async () => {
    // Prepare
    const { store, deps } = setUp();
    await archiveRoom(ROOM, { ...deps, redaction: undefined });

    // Act
    const summary = await archiveRoom(ROOM, deps);

    // Assess
    expect(summary.status).toBe('updated');
    expect(store.completions).toHaveLength(1);
    expect(JSON.parse(text(copyLine(store.completions[0]?.copy))).chat.id).toBe(ROOM);
  });

  it('reads no transcript while the key of a pending copy still cannot be read', async () => {
    // Prepare
    const { store, deps, pending } = setUp({ secret: 'denied' });
    await archiveRoom(ROOM, deps);

    // Act
    const summary = await archiveRoom(ROOM, deps);

    // Assess
    expect(summary).toMatchObject({ status: 'unchanged', redaction_pending: 'REDACTION_KEY_ACCESS' });
    expect(store.transcriptReads).toBe(0);
    expect(store.completions).toHaveLength(0);
    expect(pending).toHaveLength(2);
  });

  it('writes nothing new for an unchanged room whose copy is written', async () => {
    // Prepare
    const { store, deps } = setUp();
    await archiveRoom(ROOM, deps);

    // Act
    const summary = await archiveRoom(ROOM, deps);

    // Assess
    expect(summary.status).toBe('unchanged');
    expect(store.writes).toHaveLength(1);
    expect(store.completions).toHaveLength(0);
    expect(store.transcriptReads).toBe(0);
  });

  it('writes a new copy with a new transcript when the room changed', async () => {
    // Prepare
    const { store, source, deps } = setUp();
    await archiveRoom(ROOM, deps);
    source.bytes = new TextEncoder().encode(
      JSON.stringify({
        result: 'success',
        data: [
          {
            chat: rawChat({ id: ROOM }),
            message: [
              rawMessage({ id: '1', contents: `제 번호는 ${PHONE} 입니다` }),
              rawMessage({ id: '2', contents: '메일은 minsu@naver.com', send_date: '2022-05-26 10:31:00' }),
            ],
          },
        ],
      }),
    );

    // Act
    const summary = await archiveRoom(ROOM, deps);

    // Assess
    expect(summary.status).toBe('updated');
    expect(store.writes).toHaveLength(2);
    expect(copyOf(store.writes[1]).redaction).toMatchObject({ counts: { EMAIL: 2, PHONE: 2 } });
  });
});

function copyLine(copy: RedactionEntry | undefined): string | Uint8Array {
  if (!copy || !('line' in copy)) throw new Error('no copy');
  return copy.line;
}
