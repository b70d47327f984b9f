import { createHash } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  rehostImages,
  SAMPLE_ROOM_IDS,
  type SimRoom,
  sampleRooms,
  simRoomId,
  simulatorImage,
} from '../../../dev/simulator/index.js';
import { type ArchiveService, createArchiveService } from '../../../lib/archive/service.js';
import { S3ArchiveStore } from '../../../lib/archive/store.js';
import type { AddressLookup } from '../../../lib/attachments/download.js';
import { createSecretsManagerClient } from '../../../lib/aws.js';
import { readArchiveConfig } from '../../../lib/config.js';
import { parseChatData } from '../../../lib/happytalk/client.js';
import { CHAT_DATA_PATH } from '../../../lib/happytalk/schema.js';
import { verifyRoom } from '../../../lib/retrieval/verify.js';
import { transcriptOf } from '../../../lib/transcript/normalize.js';
import { type Transcript, TranscriptSchema } from '../../../lib/transcript/schema.js';
import { startTestStack, TEST_BUCKET, TEST_TOKEN, type TestStack } from '../../support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => {
  stack.simulator.clearFaults();
  stack.simulator.resetRequests();
});

/** The archive with attachments on, downloading from the simulator on loopback. */
function archiveService(
  env: Record<string, string> = {},
  attachments: { lookup?: AddressLookup } = {},
): ArchiveService {
  const config = readArchiveConfig(
    {
      ...stack.env,
      ATTACHMENT_ARCHIVING: 'on',
      ATTACHMENT_HOST_ALLOWLIST: '127.0.0.1',
      ATTACHMENT_TIMEOUT_MS: '1000',
      ATTACHMENT_MAX_BYTES: '100000',
      ...env,
    },
    { allowLocalToken: false },
  );
  return createArchiveService(config, {
    s3: stack.s3Client,
    secretsManager: createSecretsManagerClient(stack.env),
    client: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
    attachments: { allowLoopback: true, ...attachments },
  });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const imagePath = (name: string) => `/data/chat_data/2024_05_01/${name}_w.png`;

function sample(id: string): SimRoom {
  const room = sampleRooms().find((candidate) => simRoomId(candidate) === id);
  if (!room) throw new Error(`no sample room ${id}`);
  return room;
}

/** A sample room served under another id, its images on the simulator. */
function rehosted(sampleId: string, roomId: string): SimRoom {
  const room = rehostImages(sample(sampleId), stack.simulator.url);
  return { ...room, chat: { ...room.chat, id: roomId } };
}

/** A room with a text message, then one image message per URL (raw index 1, 2, …). */
function roomWithImages(roomId: string, urls: readonly string[]): SimRoom {
  const base = sample(SAMPLE_ROOM_IDS.images);
  const [first] = base.message;
  const image = base.message.find((message) => message.contents_type === 'image');
  if (!first || !image) throw new Error('the images sample room changed');
  return {
    chat: { ...base.chat, id: roomId },
    message: [
      first,
      ...urls.map((url, index) => ({
        ...image,
        id: String(700_000 + index),
        contents: url,
        send_date: `2022-03-25 16:30:${String(index).padStart(2, '0')}`,
        read_date: `2022-03-25 16:30:${String(index).padStart(2, '0')}`,
      })),
    ],
  };
}

async function rawBytes(roomId: string): Promise<Buffer> {
  const response = await fetch(`${stack.simulator.url}${CHAT_DATA_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: TEST_TOKEN, room_id: roomId }),
  });
  return Buffer.from(await response.arrayBuffer());
}

async function storedTranscript(key: string): Promise<Transcript> {
  return TranscriptSchema.parse(JSON.parse((await stack.getObject(key)).body.toString('utf8')));
}

async function storedIndex(roomId: string): Promise<Record<string, unknown>> {
  return JSON.parse((await stack.getObject(`index/rooms/${roomId}.json`)).body.toString('utf8'));
}

/** The transcript as the normalizer alone gives it from the archived raw bytes, as stored JSON. */
function normalized(raw: Buffer, stored: Transcript, roomId: string): unknown {
  const transcript = transcriptOf(
    {
      ...parseChatData(raw, roomId),
      endpoint: stored.source.endpoint,
      fetchedAt: new Date(stored.source.fetched_at),
      sha256: sha256(raw),
    },
    { roomId, timeZone: 'Asia/Seoul' },
  );
  return JSON.parse(JSON.stringify(transcript));
}

function withoutAttachments(transcript: Transcript): unknown {
  return JSON.parse(
    JSON.stringify({
      ...transcript,
      messages: transcript.messages.map(({ attachments: _, ...message }) => message),
    }),
  );
}

async function verified(roomId: string) {
  const store = new S3ArchiveStore({ client: stack.s3Client, bucket: TEST_BUCKET });
  return verifyRoom(store, roomId, { timeZone: 'Asia/Seoul' });
}

describe('archiving the images of a room', () => {
  it('archives each image at attachments/<sha256> with its content type, links it, and leaves the rest as it was', async () => {
    // Prepare
    const roomId = 'attImages01';
    stack.simulator.addRoom(rehosted(SAMPLE_ROOM_IDS.images, roomId));
    const service = archiveService();

    // Act
    const summary = await service.archive(roomId);

    // Assess
    expect(summary.status).toBe('archived');
    const raw = await rawBytes(roomId);
    expect((await stack.getObject(summary.raw_key)).body.equals(raw)).toBe(true);
    const transcript = await storedTranscript(summary.transcript_key);
    const images = transcript.messages.filter((message) => message.image_url !== null);
    expect(images).toHaveLength(3);
    const expected = images.map((message) => {
      const url = message.image_url ?? '';
      const bytes = simulatorImage(new URL(url).pathname);
      return {
        url,
        key: `attachments/${sha256(bytes)}`,
        sha256: sha256(bytes),
        content_type: 'image/png',
        bytes: bytes.length,
      };
    });
    expect(images.map((message) => message.attachments)).toEqual(expected.map((attachment) => [attachment]));
    expect(
      transcript.messages.filter((message) => message.image_url === null).map((m) => m.attachments),
    ).toEqual([undefined, undefined, undefined, undefined]);
    expect(withoutAttachments(transcript)).toEqual(normalized(raw, transcript, roomId));
    expect(await stack.listKeys('attachments/')).toEqual(expected.map((attachment) => attachment.key).sort());
    for (const attachment of expected) {
      const object = await stack.getObject(attachment.key);
      expect(sha256(object.body)).toBe(attachment.sha256);
      expect(object.contentType).toBe('image/png');
      expect(object.metadata).toEqual({ sha256: attachment.sha256, 'content-type': 'image/png' });
    }
    expect(await storedIndex(roomId)).not.toHaveProperty('attachments_pending');
    expect((await verified(roomId)).mismatches).toEqual([]);
    expect(stack.simulator.imageRequests).toHaveLength(3);
    for (const request of stack.simulator.imageRequests) {
      expect(JSON.stringify(request.headers)).not.toMatch(
        new RegExp(`${TEST_TOKEN}|REDACTED|authorization|cookie`, 'i'),
      );
    }
  });

  it('archives the image_url of a button message', async () => {
    const roomId = 'attButtons01';
    stack.simulator.addRoom(rehosted(SAMPLE_ROOM_IDS.buttons, roomId));

    const summary = await archiveService().archive(roomId);

    const transcript = await storedTranscript(summary.transcript_key);
    const linked = transcript.messages.filter((message) => message.attachments !== undefined);
    const path = '/data/chat_data/2024_03_13/a87ff679a2f3e71d9181a67b7542122c_w.png';
    const bytes = simulatorImage(path);
    expect(linked.map((message) => [message.id, message.attachments])).toEqual([
      [
        '566701',
        [
          {
            url: `${stack.simulator.url}${path}`,
            key: `attachments/${sha256(bytes)}`,
            sha256: sha256(bytes),
            content_type: 'image/png',
            bytes: bytes.length,
          },
        ],
      ],
    ]);
    expect(transcript.warnings.filter((warning) => warning.reason.startsWith('attachment'))).toEqual([]);
    expect((await verified(roomId)).mismatches).toEqual([]);
  });

  it('refuses what each guard refuses, with a warning per image, and still archives the transcript', async () => {
    // Prepare
    const roomId = 'attGuards01';
    const faults = {
      ok: undefined,
      missing: { kind: 'status', status: 404 },
      broken: { kind: 'status', status: 500 },
      slow: { kind: 'delay', ms: 3000 },
      huge: { kind: 'huge', bytes: 2_000_000 },
      hugeChunked: { kind: 'huge', bytes: 2_000_000, contentLength: false },
      html: { kind: 'content-type', contentType: 'text/html; charset=utf-8', body: '<html>' },
      disguised: { kind: 'content-type', contentType: 'image/png', body: '<svg onload=alert(1)>' },
      loop: { kind: 'redirect-loop' },
      metadata: { kind: 'redirect', location: 'http://169.254.169.254/latest/meta-data/' },
    } as const;
    for (const [name, fault] of Object.entries(faults)) {
      if (fault) stack.simulator.setImageFault(imagePath(name), fault);
    }
    const urls = [
      ...Object.keys(faults).map((name) => `${stack.simulator.url}${imagePath(name)}`),
      'https://static.happytalk.io/data/chat_data/2022_03_25/5d41402abc4b2a76b9719d911017c592_w.png',
      `ftp://127.0.0.1:${stack.simulator.port}${imagePath('ftp')}`,
    ];
    stack.simulator.addRoom(roomWithImages(roomId, urls));
    const before = await stack.listKeys('attachments/');

    // Act
    const summary = await archiveService().archive(roomId);

    // Assess
    expect(summary.status).toBe('archived');
    const transcript = await storedTranscript(summary.transcript_key);
    const reasons = [
      'HTTP 404',
      'HTTP 500',
      'timed out after 1000 ms',
      'larger than 100000 bytes',
      'larger than 100000 bytes',
      'content type "text/html" not allowed',
      'content is not an accepted image (declared image/png)',
      'more than 3 redirects',
      'host not in the allowlist (after 1 redirect)',
      'host not in the allowlist',
      'scheme "ftp:" not allowed',
    ];
    expect(transcript.warnings).toEqual(
      reasons.map((reason, index) => ({
        path: `message[${index + 2}].contents`,
        value: urls[index + 1],
        reason: `attachment not archived: ${reason}`,
      })),
    );
    const ok = simulatorImage(imagePath('ok'));
    expect(transcript.messages[1]?.attachments?.map((attachment) => attachment.sha256)).toEqual([sha256(ok)]);
    expect(transcript.messages.slice(2).map((message) => message.attachments)).toEqual(
      reasons.map(() => undefined),
    );
    const after = await stack.listKeys('attachments/');
    expect(after.filter((key) => !before.includes(key))).toEqual(
      before.includes(`attachments/${sha256(ok)}`) ? [] : [`attachments/${sha256(ok)}`],
    );
    expect(await storedIndex(roomId)).toMatchObject({ attachments_pending: reasons.length });
    expect((await verified(roomId)).mismatches).toEqual([]);
  });

  it('refuses a redirect to the metadata endpoint by its address, even when the allowlist names it', async () => {
    const roomId = 'attMetadata01';
    const url = `${stack.simulator.url}${imagePath('to-metadata')}`;
    stack.simulator.setImageFault(imagePath('to-metadata'), {
      kind: 'redirect',
      location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    });
    stack.simulator.addRoom(roomWithImages(roomId, [url]));
    const service = archiveService({ ATTACHMENT_HOST_ALLOWLIST: '127.0.0.1, 169.254.169.254' });

    const summary = await service.archive(roomId);

    expect(summary.status).toBe('archived');
    expect((await storedTranscript(summary.transcript_key)).warnings).toEqual([
      {
        path: 'message[1].contents',
        value: url,
        reason: 'attachment not archived: address not allowed (link-local) (after 1 redirect)',
      },
    ]);
  });

  it('retries a failed image at the next archive of the same answer, links it, and reports updated', async () => {
    // Prepare
    const roomId = 'attRetry01';
    const flaky = imagePath('flaky');
    const urls = [`${stack.simulator.url}${imagePath('steady')}`, `${stack.simulator.url}${flaky}`];
    stack.simulator.addRoom(roomWithImages(roomId, urls));
    stack.simulator.setImageFault(flaky, { kind: 'status', status: 503, times: 1 });
    const service = archiveService();
    const first = await service.archive(roomId);
    const firstTranscript = await storedTranscript(first.transcript_key);
    const rawHead = await stack.s3Client.send(
      new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: first.raw_key }),
    );
    stack.simulator.resetRequests();

    // Act
    const second = await service.archive(roomId);
    const third = await service.archive(roomId);

    // Assess
    expect(first.status).toBe('archived');
    expect(firstTranscript.warnings).toEqual([
      { path: 'message[2].contents', value: urls[1], reason: 'attachment not archived: HTTP 503' },
    ]);
    expect(second).toEqual({ ...first, status: 'updated' });
    expect(third).toEqual({ ...first, status: 'unchanged' });
    expect(stack.simulator.imageRequests.map((request) => request.path)).toEqual([flaky]);
    const transcript = await storedTranscript(second.transcript_key);
    expect(transcript.warnings).toEqual([]);
    const bytes = simulatorImage(flaky);
    expect(transcript.messages[2]?.attachments).toEqual([
      {
        url: urls[1],
        key: `attachments/${sha256(bytes)}`,
        sha256: sha256(bytes),
        content_type: 'image/png',
        bytes: bytes.length,
      },
    ]);
    expect(transcript.messages[1]?.attachments).toEqual(firstTranscript.messages[1]?.attachments);
    const { messages, warnings: _w, ...rest } = transcript;
    const { messages: firstMessages, warnings: _fw, ...firstRest } = firstTranscript;
    expect(rest).toEqual(firstRest);
    expect(messages.map(({ attachments: _, ...message }) => message)).toEqual(
      firstMessages.map(({ attachments: _, ...message }) => message),
    );
    const head = await stack.s3Client.send(
      new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: first.raw_key }),
    );
    expect(head.ETag).toBe(rawHead.ETag);
    expect(head.LastModified).toEqual(rawHead.LastModified);
    expect(await storedIndex(roomId)).not.toHaveProperty('attachments_pending');
    expect((await verified(roomId)).mismatches).toEqual([]);
  });

  it('refuses a host whose DNS answer is a private address, and downloads from the one it checked', async () => {
    // Prepare
    const roomId = 'attDns01';
    const port = stack.simulator.port;
    const urls = [
      `http://private.happytalk.invalid:${port}${imagePath('private')}`,
      `http://images.happytalk.invalid:${port}${imagePath('pinned')}`,
    ];
    stack.simulator.addRoom(roomWithImages(roomId, urls));
    const answers: Record<string, string> = {
      'private.happytalk.invalid': '10.1.2.3',
      'images.happytalk.invalid': '127.0.0.1',
    };
    const lookup: AddressLookup = async (host) => [{ address: answers[host] ?? '192.0.2.1', family: 4 }];
    const service = archiveService({ ATTACHMENT_HOST_ALLOWLIST: '*.happytalk.invalid' }, { lookup });

    // Act
    const summary = await service.archive(roomId);

    // Assess
    const transcript = await storedTranscript(summary.transcript_key);
    expect(transcript.warnings).toEqual([
      {
        path: 'message[1].contents',
        value: urls[0],
        reason: 'attachment not archived: address not allowed (private)',
      },
    ]);
    expect(transcript.messages[2]?.attachments?.[0]?.sha256).toBe(
      sha256(simulatorImage(imagePath('pinned'))),
    );
    expect(stack.simulator.imageRequests.map((request) => request.path)).toEqual([imagePath('pinned')]);
  });

  it('downloads nothing when archiving attachments is off', async () => {
    const roomId = 'attOff01';
    stack.simulator.addRoom(rehosted(SAMPLE_ROOM_IDS.images, roomId));

    const summary = await archiveService({ ATTACHMENT_ARCHIVING: 'off' }).archive(roomId);

    const transcript = await storedTranscript(summary.transcript_key);
    expect(transcript.messages.some((message) => message.attachments !== undefined)).toBe(false);
    expect(transcript.warnings).toEqual([]);
    expect(stack.simulator.imageRequests).toEqual([]);
  });
});
