import { CfnOutput, type Environment, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct, Node } from 'constructs';
import { mergeArchiveProps, readArchiveContext } from './config.js';
import { HappyTalkArchive, type HappyTalkArchiveProps } from './happytalk-archive.js';

export interface HappyTalkArchiveStackProps extends StackProps {
  /**
   * Settings of the archive. Each property given here wins over the CDK context
   * key of the same name (see `CONTEXT_KEYS` in infra/config.ts).
   * @default - everything from context, else the construct's defaults
   */
  readonly archive?: HappyTalkArchiveProps;
}

/**
 * Where the app binds its stack: nowhere (environment-agnostic: the template
 * names `AWS::Region` and `AWS::AccountId`, and deploys to the account and region
 * `cdk deploy` uses) unless the deployer names them, with the context keys
 * `account` and `region`, or with `AWS_REGION`. The CDK CLI's own guess
 * (`CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION`, us-east-1 when no region is
 * configured) is never used, so nothing is bound to a region silently.
 */
export function stackEnvironment(node: Node, env: NodeJS.ProcessEnv): Environment | undefined {
  const named = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const account = named(node.tryGetContext('account'));
  const region = named(node.tryGetContext('region')) ?? named(env.AWS_REGION);
  if (account === undefined && region === undefined) return undefined;
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

/** The one stack of the app: the {@link HappyTalkArchive} construct and its outputs. */
export class HappyTalkArchiveStack extends Stack {
  readonly archive: HappyTalkArchive;

  constructor(scope: Construct, id: string, props: HappyTalkArchiveStackProps = {}) {
    const { archive: archiveProps, ...stackProps } = props;
    super(scope, id, {
      description: 'HappyTalk archive: keeps HappyTalk chat transcripts in this account (happytalk-archive)',
      ...stackProps,
    });

    this.archive = new HappyTalkArchive(
      this,
      'Archive',
      mergeArchiveProps(readArchiveContext(this.node), archiveProps ?? {}),
    );

    const outputs: Record<string, { value: string; description: string }> = {
      ArchiveBucketName: { value: this.archive.bucket.bucketName, description: 'Archive bucket' },
      HttpApiUrl: {
        value: this.archive.apiUrl,
        description:
          'HTTP API base URL: POST or GET rooms/{room_id}/archive (SigV4-signed unless authorization is none)',
      },
      ArchiveQueueUrl: { value: this.archive.queue.queueUrl, description: 'Queue of rooms to archive' },
      ArchiveDeadLetterQueueUrl: {
        value: this.archive.deadLetterQueue.queueUrl,
        description: 'Rooms that could not be archived, with the reason',
      },
      RuleDeadLetterQueueUrl: {
        value: this.archive.ruleDeadLetterQueue.queueUrl,
        description: 'Events EventBridge could not deliver to the archive queue',
      },
      TokenSecretArn: {
        value: this.archive.secret.secretArn,
        description: 'Secret holding the HappyTalk token: set it with aws secretsmanager put-secret-value',
      },
      AlarmTopicArn: { value: this.archive.alarmTopic.topicArn, description: 'Alarm notifications' },
      ReconcileFunctionName: {
        value: this.archive.reconciliation.function.functionName,
        description: 'Scheduled reconciliation: invoke it to check the trailing window now',
      },
      GlueDatabaseName: {
        value: this.archive.analytics.database.ref,
        description: 'Glue database with the rooms table and the messages view',
      },
      AthenaWorkGroupName: {
        value: this.archive.analytics.workGroup.ref,
        description:
          'Athena workgroup for queries of the redacted copies (grantQuery; results under results/redacted/)',
      },
      AthenaFullWorkGroupName: {
        value: this.archive.analytics.fullWorkGroup.ref,
        description:
          'Athena workgroup for queries of the full transcripts (grantQuery with fullTranscripts; results under results/full/)',
      },
    };
    const redactionKey = this.archive.redactionKeySecret;
    if (redactionKey !== undefined) {
      outputs.RedactionKeySecretArn = {
        value: redactionKey.secretArn,
        description:
          'Secret holding the pseudonym key of the redacted copies: REDACTION_KEY_SECRET_ID for reindex and redact',
      };
    }
    const watcher = this.archive.completionWatcher;
    if (watcher !== undefined) {
      outputs.CompletionWatcherFunctionName = {
        value: watcher.function.functionName,
        description: 'Completion watcher (scheduled): invoke it to run a pass now',
      };
    }
    for (const [outputId, output] of Object.entries(outputs)) {
      new CfnOutput(this, outputId, output);
    }
  }
}
