import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { LocalS3 } from '../../dev/aws/s3/index.js';
import type { LocalSecretsManager } from '../../dev/aws/secrets-manager.js';
import type { LocalSqs } from '../../dev/aws/sqs.js';
import type { Simulator, SimulatorOptions } from '../../dev/simulator/index.js';
import { startStandIns } from '../../dev/stand-ins.js';
import { createS3Client } from '../../lib/aws.js';

export const TEST_TOKEN = 'test-token-Zq8Xv1Lw';
export const TEST_SECRET_ID = 'happytalk/archive-token';
export const TEST_BUCKET = 'archive-test';

/** Loopback stand-ins for every dependency: HappyTalk, S3, Secrets Manager and SQS. */
export interface TestStack {
  readonly simulator: Simulator;
  readonly s3: LocalS3;
  readonly secrets: LocalSecretsManager;
  readonly sqs: LocalSqs;
  readonly s3Client: S3Client;
  readonly dlqUrl: string;
  /** The environment a function or the CLI runs with against this stack. */
  readonly env: Readonly<Record<string, string>>;
  listKeys(prefix?: string): Promise<string[]>;
  getObject(key: string): Promise<{ body: Buffer; contentType?: string; metadata?: Record<string, string> }>;
  /** Every version of every object of the bucket, as `key metadata-JSON bytes` lines: what the archive holds. */
  storedObjects(): Promise<string>;
  /** Every version of every object of the bucket: its key, its user metadata and its bytes as text. */
  storedVersions(): Promise<{ key: string; metadata: Record<string, string>; body: string }[]>;
  close(): Promise<void>;
}

export async function startTestStack(options: { simulator?: SimulatorOptions } = {}): Promise<TestStack> {
  const directory = await mkdtemp(join(tmpdir(), 'happytalk-archive-s3-'));
  const standIns = await startStandIns({
    token: TEST_TOKEN,
    secretId: TEST_SECRET_ID,
    bucket: TEST_BUCKET,
    s3: { directory },
    ...(options.simulator ? { simulator: options.simulator } : {}),
    sqs: { archiveQueue: 'archive-queue', deadLetterQueue: 'archive-dlq' },
    env: {
      HAPPYTALK_TIMEOUT_MS: '2000',
      HAPPYTALK_MAX_ATTEMPTS: '3',
      HAPPYTALK_RETRY_BUDGET_MS: '5000',
      COMPLETION_MAX_ATTEMPTS: '3',
      POWERTOOLS_METRICS_NAMESPACE: 'HappyTalkArchiveTest',
    },
  });
  const { simulator, s3, secretsManager: secrets, sqs, env } = standIns;
  if (s3 === undefined || sqs === undefined) throw new Error('the test stack runs its own S3 and SQS');
  const dlqUrl = env.ARCHIVE_DLQ_URL ?? '';
  const s3Client = createS3Client(env);
  const storedVersions = async () => {
    const listed = await s3Client.send(new ListObjectVersionsCommand({ Bucket: TEST_BUCKET }));
    return Promise.all(
      (listed.Versions ?? []).map(async (version) => {
        const output = await s3Client.send(
          new GetObjectCommand({ Bucket: TEST_BUCKET, Key: version.Key, VersionId: version.VersionId }),
        );
        const body = Buffer.from((await output.Body?.transformToByteArray()) ?? []).toString('utf8');
        return { key: version.Key ?? '', metadata: output.Metadata ?? {}, body };
      }),
    );
  };
  return {
    simulator,
    s3,
    secrets,
    sqs,
    s3Client,
    dlqUrl,
    env,
    async listKeys(prefix) {
      const output = await s3Client.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: prefix }));
      return (output.Contents ?? []).flatMap((item) => (item.Key ? [item.Key] : [])).sort();
    },
    async getObject(key) {
      const output = await s3Client.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
      const body = Buffer.from((await output.Body?.transformToByteArray()) ?? []);
      return {
        body,
        ...(output.ContentType ? { contentType: output.ContentType } : {}),
        ...(output.Metadata ? { metadata: output.Metadata } : {}),
      };
    },
    async storedObjects() {
      const versions = await storedVersions();
      return versions
        .map((version) => `${version.key} ${JSON.stringify(version.metadata)} ${version.body}`)
        .join('\n');
    },
    storedVersions,
    async close() {
      s3Client.destroy();
      await standIns.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
