import { join } from 'node:path';
import { type Duration, type IAspect, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup, LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct, IConstruct } from 'constructs';
import type { FunctionEnvironment } from '../../lib/contract/function-environments.js';
import { FUNCTION_NAMES, FUNCTION_NODE_OPTIONS, type FunctionName } from '../../lib/contract/functions.js';
import { ALARM_PERIOD, alarmAboveZero } from './alarms.js';

/** The bundles `npm run build` writes, one directory each under `functionsDir`. */
export const FUNCTION_BUNDLES = FUNCTION_NAMES;

export type FunctionBundle = FunctionName;

/**
 * The variables every archiving function is given alike: the bucket, the
 * token secret, HappyTalk's host, zone and final statuses and Powertools'
 * settings (each function's own come beside them; `NODE_OPTIONS` is the
 * function's own, from `FUNCTION_NODE_OPTIONS`).
 */
export type SharedVariables = Pick<
  FunctionEnvironment<'http-api'>,
  | 'ARCHIVE_BUCKET'
  | 'HAPPYTALK_SECRET_ID'
  | 'HAPPYTALK_BASE_URL'
  | 'HAPPYTALK_TIMEZONE'
  | 'HAPPYTALK_FINAL_STATUSES'
  | 'POWERTOOLS_SERVICE_NAME'
  | 'POWERTOOLS_METRICS_NAMESPACE'
  | 'POWERTOOLS_LOG_LEVEL'
>;

/** What every function of one archive shares; see {@link createArchiveFunction}. */
export interface FunctionDefaults {
  readonly functionsDir: string;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  /** The key the function's log group is encrypted with (its policy must let CloudWatch Logs use it). */
  readonly logKey: IKey;
  /** Where the `Errors` and `Throttles` alarms of the function go. */
  readonly alarmTopic: ITopic;
}

/** What one function of the archive is; see {@link createArchiveFunction}. */
export interface FunctionSpec {
  /** The bundle's directory name under `functionsDir` (`<functionsDir>/<bundle>/index.mjs`). */
  readonly bundle: FunctionBundle;
  readonly description: string;
  readonly timeout: Duration;
  readonly environment: Readonly<Record<string, string>>;
  /** The role's statements, beside writing to its own log group. */
  readonly statements: readonly PolicyStatement[];
  /** What its `Errors` alarm says has happened. */
  readonly errorsAlarm: string;
  /** Why the function has no Lambda dead-letter queue (cdk-nag `Serverless-LambdaDLQ`). */
  readonly noDeadLetterQueue: string;
}

export type ArchiveFunctionProps = FunctionDefaults & FunctionSpec;

/** One function of the archive, with the role and the log group made for it alone. */
export interface ArchiveFunction {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Its `Errors` and `Throttles` alarms. */
  readonly alarms: readonly Alarm[];
}

/**
 * Why no function traces with X-Ray, measured (docs/architecture.md): Powertools
 * Tracer around the `http-api` bundle adds 130 KB (+17 %) and 25 ms (+19 %) to
 * the cold start on Node.js 24, and active tracing without it records only
 * what the Lambda service already reports as metrics.
 */
const NO_TRACING_REASON =
  'Tracing is off by decision: Powertools Tracer adds 130 KB (+17 %) to the bundle and 25 ms (+19 %) to the ' +
  'cold start (measured on Node.js 24), and active tracing without it records only what the Lambda metrics ' +
  'and the structured logs (UpstreamLatency, UpstreamAttempts, request ids) already show.';

/**
 * Builds one function of the archive the one way they are all built: the
 * prebuilt bundle (Node.js 24, arm64), its own role holding exactly
 * `statements` (no managed or inline policy) and its own log group, encrypted
 * with `logKey` and retained when the stack is deleted (who archived or read
 * which room is evidence worth keeping; the retention still ends it), an alarm
 * on its `Errors` and one on its `Throttles`. No X-Ray tracing (see the
 * measured reason above), no Lambda dead-letter queue (with the reason given).
 *
 * Creates `<id>LogGroup`, `<id>Role`, `<id>`, `<id>ErrorsAlarm` and
 * `<id>ThrottlesAlarm` in `scope`.
 */
export function createArchiveFunction(
  scope: Construct,
  id: string,
  props: ArchiveFunctionProps,
): ArchiveFunction {
  const logGroup = new LogGroup(scope, `${id}LogGroup`, {
    retention: props.logRetention,
    encryptionKey: props.logKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of the ${props.bundle} function of the HappyTalk archive`,
  });
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  for (const statement of props.statements) role.addToPrincipalPolicy(statement);

  const fn = new LambdaFunction(scope, id, {
    description: props.description,
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    handler: 'index.handler',
    code: Code.fromAsset(join(props.functionsDir, props.bundle)),
    memorySize: props.memorySize,
    timeout: props.timeout,
    role,
    logGroup,
    environment: {
      ...props.environment,
      // Node.js's options, as the benchmark measures the function's cold start with them.
      ...(FUNCTION_NODE_OPTIONS[props.bundle] ? { NODE_OPTIONS: FUNCTION_NODE_OPTIONS[props.bundle] } : {}),
    },
  });
  Validations.of(fn).acknowledge(
    { id: 'Serverless-LambdaTracing', reason: NO_TRACING_REASON },
    { id: 'Serverless-LambdaDLQ', reason: props.noDeadLetterQueue },
  );
  const topic = props.alarmTopic;
  const alarms = [
    alarmAboveZero(scope, `${id}ErrorsAlarm`, {
      metric: fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
      description: props.errorsAlarm,
      topic,
    }),
    alarmAboveZero(scope, `${id}ThrottlesAlarm`, {
      metric: fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
      description: `the ${props.bundle} function was throttled`,
      topic,
    }),
  ];
  return { function: fn, role, logGroup, alarms };
}

/**
 * Encrypts every CloudWatch Logs log group under the scope it is applied to
 * with `key`, unless it names a key of its own: the functions' and the API's
 * log groups hold room ids and caller ARNs, and a log group added later inherits it.
 */
export class EncryptLogGroups implements IAspect {
  constructor(private readonly key: IKey) {}

  visit(node: IConstruct): void {
    if (node instanceof CfnLogGroup && node.kmsKeyId === undefined) node.kmsKeyId = this.key.keyArn;
  }
}
