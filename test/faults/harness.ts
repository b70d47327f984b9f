import { appendFileSync } from 'node:fs';
import type { SQSBatchResponse } from 'aws-lambda';
import type { LocalS3 } from '../../dev/aws/s3/index.js';
import { generateRoom } from '../../dev/simulator/index.js';
import { LOCAL_REDACTION_KEY, LOCAL_REDACTION_KEY_SECRET_ID } from '../../dev/stand-ins.js';
import { archiveEventsRuntime, createArchiveEventsHandler } from '../../functions/handlers/archive-events.js';
import { createHttpApiHandler, httpApiRuntime } from '../../functions/handlers/http-api.js';
import { createRetrievalApiHandler, retrievalRuntime } from '../../functions/handlers/retrieval-api.js';
import {
  captureOutput,
  chatCompletedEvent,
  httpApiEvent,
  lambdaContext,
  sqsEvent,
} from '../support/lambda.js';
import { startTestStack, TEST_SECRET_ID, TEST_TOKEN, type TestStack } from '../support/stack.js';

/** One line of the fault report (`npm run test:faults`). */
export interface ScenarioRow {
  readonly suite: string;
  readonly scenario: string;
  readonly expected: string;
  readonly observed: string;
  readonly pass: boolean;
  /** A hostile input rather than a fault scenario. */
  readonly hostile?: boolean;
  /** Transcripts neither archived, nor dead-lettered, nor left for a retry. */
  readonly lost?: number;
  /** Stored versions beyond one per distinct content. */
  readonly duplicates?: number;
}

/** Appends a row to the report file named by FAULTS_REPORT (when the report script runs the suite). */
export function recordRow(row: ScenarioRow): void {
  const file = process.env.FAULTS_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/**
 * The real handlers, in this process, against the simulator, the local S3
 * (versioned, conditional writes, fault injection: `dev/aws/s3/`), and
 * loopback Secrets Manager and SQS endpoints. Everything the process writes is
 * captured, to check that no secret leaks.
 */
export interface FaultHarness {
  readonly stack: TestStack;
  /** The local S3, whose faults the scenarios set. */
  readonly front: LocalS3;
  http(
    method: 'GET' | 'POST',
    roomId: string,
    options?: Parameters<typeof httpApiEvent>[2],
  ): Promise<{
    status: number;
    body: { error?: { code: string; message: string } } & Record<string, unknown>;
    raw: string;
  }>;
  /** Delivers SQS records with these bodies (at this receive count); returns the failed message ids' indexes. */
  deliver(bodies: string[], receiveCount?: number): Promise<number[]>;
  invokeDirect(event: unknown): Promise<unknown>;
  eventBody(roomId: unknown): string;
  /** A fresh completed room the simulator serves. */
  newRoom(prefix: string, messageCount?: number): string;
  deadLetters(): Array<{ reason: string; room_id: string | null; message: string }>;
  /** Object keys of one room in the archive. */
  objectsOf(roomId: string): Promise<string[]>;
  /** Versions stored per key beyond one per distinct content (0 when none). */
  duplicateVersions(): number;
  /**
   * Rooms with an index that lacks an object, or a raw object without its
   * transcript (unless its index marks the answer unprocessable: raw only, on purpose).
   */
  partialArchives(): Promise<string[]>;
  /** Everything written so far: logs, metrics, responses, dead letters. */
  transcriptOfOutput(): string;
  /** Every version of every object in the archive, bytes and metadata, as text. */
  storedObjects(): Promise<string>;
  /**
   * Builds the three handlers again, as a new execution environment would
   * (its secrets and pseudonym key read afresh).
   */
  restartFunctions(): void;
  reset(): void;
  close(): Promise<void>;
}

let counter = 0;

export async function startFaultHarness(): Promise<FaultHarness> {
  const stack = await startTestStack();
  const front = stack.s3;
  const env = {
    ...stack.env,
    HAPPYTALK_TIMEOUT_MS: '400',
    HAPPYTALK_MAX_ATTEMPTS: '3',
    HAPPYTALK_RETRY_BUDGET_MS: '3000',
    HAPPYTALK_SECRET_MAX_AGE_MS: '1',
  };
  const output = captureOutput();
  const responses: string[] = [];
  let httpHandler = createHttpApiHandler(httpApiRuntime(env));
  let retrievalHandler = createRetrievalApiHandler(retrievalRuntime(env));
  let eventsHandler = createArchiveEventsHandler(archiveEventsRuntime(env));

  return {
    stack,
    front,
    async http(method, roomId, options) {
      const handler = method === 'GET' ? retrievalHandler : httpHandler;
      const result = await handler(httpApiEvent(method, roomId, options), lambdaContext());
      const raw = result.isBase64Encoded
        ? Buffer.from(result.body ?? '', 'base64').toString('utf8')
        : (result.body ?? '');
      responses.push(raw);
      return { status: result.statusCode ?? 0, body: JSON.parse(raw || '{}'), raw };
    },
    async deliver(bodies, receiveCount = 1) {
      const event = sqsEvent(bodies);
      for (const record of event.Records) record.attributes.ApproximateReceiveCount = String(receiveCount);
      const response = (await eventsHandler(event, lambdaContext())) as SQSBatchResponse;
      responses.push(JSON.stringify(response));
      const ids = event.Records.map((record) => record.messageId);
      return response.batchItemFailures.map((failure) => ids.indexOf(failure.itemIdentifier));
    },
    async invokeDirect(event) {
      const result = await eventsHandler(event, lambdaContext());
      responses.push(JSON.stringify(result));
      return result;
    },
    eventBody: (roomId) => JSON.stringify(chatCompletedEvent({ room_id: roomId })),
    newRoom(prefix, messageCount = 4) {
      counter += 1;
      const roomId = `${prefix}${counter}`.replace(/[^A-Za-z0-9_-]/g, '');
      stack.simulator.addRoom(generateRoom({ roomId, messageCount, regDate: '2025-03-01 10:00:00' }));
      return roomId;
    },
    deadLetters: () =>
      stack.sqs.messages
        .filter((message) => message.queueUrl === stack.dlqUrl)
        .map(
          (message) =>
            JSON.parse(message.body) as { reason: string; room_id: string | null; message: string },
        ),
    async objectsOf(roomId) {
      const keys = await stack.listKeys();
      return keys.filter((key) => key.endsWith(`/${roomId}.json`));
    },
    duplicateVersions() {
      const seen = new Map<string, number>();
      for (const version of front.versions) {
        const id = `${version.key} ${version.bodySha256}`;
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      return [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
    },
    async partialArchives() {
      const keys = new Set(await stack.listKeys());
      const partial: string[] = [];
      const unprocessable = new Set<string>();
      for (const key of keys) {
        if (key.startsWith('index/rooms/')) {
          const index = JSON.parse((await stack.getObject(key)).body.toString('utf8'));
          if (index.status === 'unprocessable') unprocessable.add(index.raw_key);
          const transcriptMissing = index.transcript_key !== null && !keys.has(index.transcript_key);
          const copyMissing = index.redacted_key !== undefined && !keys.has(index.redacted_key);
          if (!keys.has(index.raw_key) || transcriptMissing || copyMissing) partial.push(key);
        }
      }
      for (const key of keys) {
        if (
          key.startsWith('raw/') &&
          !unprocessable.has(key) &&
          !keys.has(key.replace(/^raw\//, 'transcripts/'))
        ) {
          partial.push(key);
        }
      }
      return partial;
    },
    storedObjects: () => stack.storedObjects(),
    restartFunctions() {
      httpHandler = createHttpApiHandler(httpApiRuntime(env));
      retrievalHandler = createRetrievalApiHandler(retrievalRuntime(env));
      eventsHandler = createArchiveEventsHandler(archiveEventsRuntime(env));
    },
    transcriptOfOutput: () =>
      [output.text(), ...responses, ...stack.sqs.messages.map((message) => message.body)].join('\n'),
    reset() {
      stack.simulator.clearFaults();
      stack.simulator.resetRequests();
      stack.secrets.setFault(undefined);
      stack.secrets.setSecret(TEST_SECRET_ID, JSON.stringify({ token: TEST_TOKEN }));
      stack.secrets.setSecret(LOCAL_REDACTION_KEY_SECRET_ID, JSON.stringify({ key: LOCAL_REDACTION_KEY }));
      stack.sqs.messages.length = 0;
      stack.sqs.setFault(undefined);
      front.reset();
    },
    async close() {
      output.restore();
      await stack.close();
    },
  };
}

/** Waits until the 1 ms secret cache has expired, so the next call reads Secrets Manager. */
export const secretCacheExpiry = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Runs one scenario: observes its outcome as a short sentence, records the row
 * for the report, and asserts the outcome is the expected one.
 */
export async function checkScenario(
  harness: FaultHarness,
  suite: string,
  scenario: string,
  expected: string,
  observe: () => Promise<string>,
): Promise<void> {
  let observed: string;
  try {
    observed = await observe();
  } catch (error) {
    observed = `threw ${(error as Error).message}`;
  }
  const duplicates = harness.duplicateVersions();
  const pass = observed === expected && duplicates === 0;
  recordRow({ suite, scenario, expected, observed, pass, duplicates, lost: lostCount(observed) });
  if (observed !== expected) throw new Error(`${scenario}: expected "${expected}", observed "${observed}"`);
  if (duplicates !== 0) throw new Error(`${scenario}: ${duplicates} duplicate versions`);
}

/**
 * A transcript is lost when a scenario ends with nothing written and nobody
 * told: no error status to the caller, no retry left to the queue, no dead letter.
 */
function lostCount(observed: string): number {
  const accountedFor = /DLQ|retry|HTTP [45]\d\d|threw/.test(observed);
  return /nothing written/.test(observed) && !accountedFor ? 1 : 0;
}

/**
 * "nothing written", "archived once" (raw bytes, transcript, its redacted
 * copy, index), "archived once, redacted copy pending", "raw kept as
 * unprocessable", or the archive keys a room has.
 */
export async function writtenState(harness: FaultHarness, roomId: string): Promise<string> {
  const keys = await harness.objectsOf(roomId);
  if (keys.length === 0) return 'nothing written';
  const indexKey = keys.find((key) => key.startsWith('index/'));
  const has = (prefix: string) => keys.some((key) => key.startsWith(prefix));
  if (indexKey && has('raw/') && has('transcripts/')) {
    const index = JSON.parse((await harness.stack.getObject(indexKey)).body.toString('utf8'));
    if (keys.length === 4 && has('redacted/') && index.redacted_key !== undefined) return 'archived once';
    if (keys.length === 3 && index.redaction_pending) return 'archived once, redacted copy pending';
  }
  if (indexKey && keys.length === 2 && keys.some((key) => key.startsWith('raw/'))) {
    const index = JSON.parse((await harness.stack.getObject(indexKey)).body.toString('utf8'));
    if (index.status === 'unprocessable') return 'raw kept as unprocessable';
  }
  return `partial: ${keys.join(', ')}`;
}

/** Asserts, and records for the report, that neither the token nor the secret string was written anywhere. */
export function checkHygiene(harness: FaultHarness, suite: string, secrets: readonly string[]): void {
  const output = harness.transcriptOfOutput();
  const leaks = secrets.reduce((sum, secret) => sum + output.split(secret).length - 1, 0);
  recordRow({
    suite: 'hygiene',
    scenario: `secrets in logs, metrics, responses and dead letters (${suite})`,
    expected: '0',
    observed: String(leaks),
    pass: leaks === 0,
  });
  if (leaks !== 0) throw new Error(`${suite}: ${leaks} occurrences of a secret in the output`);
}
