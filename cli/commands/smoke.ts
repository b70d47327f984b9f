import type { Command } from 'commander';
import { S3ArchiveStore } from '../../lib/archive/store.js';
import { createS3Client } from '../../lib/aws.js';
import { type Environment, readUpstreamConfig } from '../../lib/config.js';
import { validateRoomId } from '../../lib/room-id.js';
import type { CommandContext } from '../context.js';
import { formatSmokeResult, runSmokeChecks, type SmokeServices } from '../smoke.js';

interface SmokeFlags {
  stack?: string;
  apiUrl?: string;
  bucket?: string;
  roomId?: string;
  skipAthena?: boolean;
}

/** `smoke`: the post-deploy check of a stack (see {@link runSmokeChecks}). */
export function registerSmokeCommand(program: Command, context: CommandContext): void {
  program
    .command('smoke')
    .description(
      'Check a deployed stack, one line per check (exit 1 if any fails): a SigV4-signed GET of a room never ' +
        'archived answers 404, POST archives --room-id, GET reads it back and verify passes, the alarm topic has ' +
        'a confirmed subscription, and Athena counts the rooms.',
    )
    .option('--stack <name>', 'the stack whose outputs name what to check (CloudFormation DescribeStacks)')
    .option('--api-url <url>', 'the HTTP API base URL, instead of the HttpApiUrl output')
    .option('--bucket <name>', 'the archive bucket, instead of the ArchiveBucketName output')
    .option('--room-id <id>', 'a HappyTalk room to archive, read back and verify (skipped without one)')
    .option('--skip-athena', 'do not run the Athena query')
    .action(async (flags: SmokeFlags, command: Command) => {
      if (flags.stack === undefined && (flags.apiUrl === undefined || flags.bucket === undefined)) {
        command.error('smoke needs --stack, or --api-url and --bucket', { exitCode: 2 });
      }
      const roomId = flags.roomId === undefined ? undefined : validateRoomId(flags.roomId);
      const services = await (context.smokeServices ?? awsSmokeServices)(context.env);
      const results = await runSmokeChecks(
        {
          ...(flags.stack === undefined ? {} : { stackName: flags.stack }),
          ...(flags.apiUrl === undefined ? {} : { apiUrl: flags.apiUrl }),
          ...(flags.bucket === undefined ? {} : { bucket: flags.bucket }),
          ...(roomId === undefined ? {} : { roomId }),
          skipAthena: flags.skipAthena === true,
        },
        services,
        (result) => context.stdout(formatSmokeResult(result)),
      );
      if (results.some((result) => result.status === 'FAIL')) context.setExitCode(1);
    });
}

const QUERY_POLL_MS = 1_000;
const QUERY_TIMEOUT_MS = 120_000;

/**
 * The AWS SDK's clients, with the caller's credentials (the SDK's default
 * chain: environment, profile, SSO, instance role) and region. The clients
 * only `smoke` needs are loaded when it runs.
 */
async function awsSmokeServices(env: Environment): Promise<SmokeServices> {
  const [cloudFormation, sns, athena, { defaultProvider }] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-sns'),
    import('@aws-sdk/client-athena'),
    import('@aws-sdk/credential-provider-node'),
  ]);
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  const clientConfig = region === undefined ? {} : { region };
  return {
    async stackOutputs(stackName) {
      const client = new cloudFormation.CloudFormationClient(clientConfig);
      const { Stacks } = await client.send(
        new cloudFormation.DescribeStacksCommand({ StackName: stackName }),
      );
      return Object.fromEntries(
        (Stacks?.[0]?.Outputs ?? []).flatMap((output) =>
          output.OutputKey && output.OutputValue !== undefined
            ? [[output.OutputKey, output.OutputValue]]
            : [],
        ),
      );
    },
    async topicSubscriptions(topicArn) {
      const client = new sns.SNSClient(clientConfig);
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new sns.ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: nextToken }),
        );
        arns.push(
          ...(page.Subscriptions ?? []).flatMap((s) => (s.SubscriptionArn ? [s.SubscriptionArn] : [])),
        );
        nextToken = page.NextToken;
      } while (nextToken);
      return arns;
    },
    async queryScalar(sql, workGroup) {
      const client = new athena.AthenaClient(clientConfig);
      const { QueryExecutionId } = await client.send(
        new athena.StartQueryExecutionCommand({ QueryString: sql, WorkGroup: workGroup }),
      );
      const started = Date.now();
      for (;;) {
        const { QueryExecution } = await client.send(
          new athena.GetQueryExecutionCommand({ QueryExecutionId }),
        );
        const state = QueryExecution?.Status?.State;
        if (state === 'SUCCEEDED') break;
        if (state === 'FAILED' || state === 'CANCELLED') {
          throw new Error(
            `the query ${state}: ${QueryExecution?.Status?.StateChangeReason ?? 'no reason given'}`,
          );
        }
        if (Date.now() - started > QUERY_TIMEOUT_MS) throw new Error('the query did not finish in 120 s');
        await new Promise((resolve) => setTimeout(resolve, QUERY_POLL_MS));
      }
      const { ResultSet } = await client.send(new athena.GetQueryResultsCommand({ QueryExecutionId }));
      // The first row holds the column names.
      return ResultSet?.Rows?.[1]?.Data?.[0]?.VarCharValue ?? '';
    },
    archive: (bucket) => new S3ArchiveStore({ client: createS3Client(env), bucket }),
    fetch: (input, init) => fetch(input, init),
    // The keys the CLI was given (environment, then --env-file) first, else the SDK's default chain.
    credentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID,
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          }
        : defaultProvider(),
    region,
    timeZone: readUpstreamConfig(env).timeZone,
  };
}
