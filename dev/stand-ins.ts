/**
 * Every stand-in the archive runs against on loopback, started the one way
 * `npm start`, the tests and the benchmark start them, with the one
 * environment a function (or the CLI) runs with against them.
 */
import { mkdir } from 'node:fs/promises';
import { type LocalS3, startLocalS3 } from './aws/s3/index.js';
import { type LocalSecretsManager, startLocalSecretsManager } from './aws/secrets-manager.js';
import { type LocalSqs, startLocalSqs } from './aws/sqs.js';
import { type Simulator, type SimulatorOptions, startSimulator } from './simulator/index.js';

/** The credentials the stand-ins take (s3rver's own), and their region. */
export const STAND_IN_AWS = {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
} as const;

/**
 * The pseudonym key of the redacted copies the stand-ins' Secrets Manager
 * holds: a fixed value for local use only, so that pseudonyms are the same
 * from one `npm start` to the next. A deployed stack generates its own.
 */
export const LOCAL_REDACTION_KEY = 'local-only-redaction-key-never-deployed-0123456789';
/** The secret that holds {@link LOCAL_REDACTION_KEY}. */
export const LOCAL_REDACTION_KEY_SECRET_ID = 'happytalk-archive/redaction-key';

export interface StandInsOptions {
  /** The HappyTalk token the simulator accepts and the secret holds. */
  readonly token: string;
  /** The secret holding `{"token": …}`. */
  readonly secretId: string;
  readonly bucket: string;
  /**
   * Where the local S3 keeps the bucket (created when missing); or the
   * endpoint of a local S3 started elsewhere (the benchmark runs it in a
   * process of its own).
   */
  readonly s3: { readonly directory: string; readonly port?: number } | { readonly endpoint: string };
  /** The simulator's options beside the token (its port included). */
  readonly simulator?: Omit<SimulatorOptions, 'token'>;
  readonly secretsManagerPort?: number;
  /** The SQS endpoint and its queues' names; none: no SQS (the benchmark's functions never reach it). */
  readonly sqs?: { readonly port?: number; readonly archiveQueue: string; readonly deadLetterQueue: string };
  /** Variables the environment adds or replaces (tuning of a test, of the benchmark). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The running stand-ins; see {@link startStandIns}. */
export interface StandIns {
  readonly simulator: Simulator;
  /** Undefined when the local S3 runs elsewhere. */
  readonly s3: LocalS3 | undefined;
  readonly secretsManager: LocalSecretsManager;
  readonly sqs: LocalSqs | undefined;
  /**
   * The environment of a function against the stand-ins: the archive bucket,
   * the token secret, the redaction key's secret, the HappyTalk host (the simulator) and time zone, the
   * endpoints, keys and region of the local AWS, the queues, attachments off
   * (the sample rooms' images are on static.happytalk.io), and `options.env`.
   */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * Starts the HappyTalk simulator, the local S3 (versioned, conditional
 * writes), a Secrets Manager holding the simulator's token and the local
 * redaction key and, when asked, an SQS endpoint, all on 127.0.0.1.
 */
export async function startStandIns(options: StandInsOptions): Promise<StandIns> {
  const s3Options = options.s3;
  if ('directory' in s3Options) await mkdir(s3Options.directory, { recursive: true });
  const [simulator, s3, secretsManager, sqs] = await Promise.all([
    startSimulator({ ...options.simulator, token: options.token }),
    'directory' in s3Options
      ? startLocalS3({
          directory: s3Options.directory,
          bucket: options.bucket,
          ...(s3Options.port === undefined ? {} : { port: s3Options.port }),
        })
      : undefined,
    startLocalSecretsManager({
      host: '127.0.0.1',
      ...(options.secretsManagerPort === undefined ? {} : { port: options.secretsManagerPort }),
      secrets: {
        [options.secretId]: JSON.stringify({ token: options.token }),
        [LOCAL_REDACTION_KEY_SECRET_ID]: JSON.stringify({ key: LOCAL_REDACTION_KEY }),
      },
    }),
    options.sqs
      ? startLocalSqs({ ...(options.sqs.port === undefined ? {} : { port: options.sqs.port }) })
      : undefined,
  ]);
  const s3Endpoint = s3?.endpoint ?? ('endpoint' in s3Options ? s3Options.endpoint : '');
  const env: Record<string, string> = {
    ...STAND_IN_AWS,
    ARCHIVE_BUCKET: options.bucket,
    HAPPYTALK_SECRET_ID: options.secretId,
    REDACTION_KEY_SECRET_ID: LOCAL_REDACTION_KEY_SECRET_ID,
    HAPPYTALK_BASE_URL: simulator.url,
    HAPPYTALK_TIMEZONE: 'Asia/Seoul',
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    ...(sqs && options.sqs
      ? {
          AWS_ENDPOINT_URL_SQS: sqs.endpoint,
          ARCHIVE_QUEUE_URL: sqs.queueUrl(options.sqs.archiveQueue),
          ARCHIVE_DLQ_URL: sqs.queueUrl(options.sqs.deadLetterQueue),
        }
      : {}),
    ATTACHMENT_ARCHIVING: 'off',
    ...options.env,
  };
  return {
    simulator,
    s3,
    secretsManager,
    sqs,
    env,
    async close() {
      await Promise.all([simulator.close(), s3?.close(), secretsManager.close(), sqs?.close()]);
    },
  };
}
