import { Aws, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ArchiveConfigError } from '../errors.js';
import {
  type GlueColumn,
  glueColumnsFromJsonSchema,
  prestoType,
  REDACTED_TRANSCRIPT_JSON_SCHEMA_PATH,
  readTranscriptJsonSchema,
  structFields,
} from './glue-schema.js';

/** The table of transcripts, one row per room. */
export const ROOMS_TABLE = 'rooms';
/** The view of messages, one row per message with its room's context. */
export const MESSAGES_VIEW = 'messages';
/** The table of the redacted copies, one row per room: what analytics queries by default. */
export const ROOMS_REDACTED_TABLE = 'rooms_redacted';
/** The view of the redacted copies' messages. */
export const MESSAGES_REDACTED_VIEW = 'messages_redacted';
/** The first year partition projection enumerates (the archive's partitions are registration dates). */
export const PROJECTION_FIRST_YEAR = 2010;
/** Query results hold personal data: they are deleted this many days after the query. */
export const RESULTS_EXPIRATION_DAYS = 30;
/**
 * Where each workgroup writes its results in the results bucket: the redacted
 * workgroup's results (read by every analyst) apart from the full
 * workgroup's (personal data, read by compliance analysts only).
 */
export const RESULTS_PREFIXES = { redacted: 'results/redacted/', full: 'results/full/' } as const;
/** The full-transcripts workgroup is named after the redacted one, with this suffix. */
export const FULL_WORKGROUP_SUFFIX = '-full';
/** Athena's longest workgroup name. */
const WORKGROUP_NAME_MAX = 128;

export interface ArchiveAnalyticsProps {
  /** The archive bucket, whose `transcripts/` and `redacted/` the tables read. */
  readonly bucket: Bucket;
  /** The archive key: it encrypts the query results too. */
  readonly key: Key;
  /** Where the results bucket's server access logs go. */
  readonly accessLogBucket: Bucket;
  readonly databaseName: string;
  readonly workGroupName: string;
  /** Queries scanning more than this many bytes are cancelled. */
  readonly bytesScannedCutoffPerQuery: number;
}

/**
 * SQL over the archive without a crawler: a Glue database with the `rooms`
 * table over `transcripts/` (JSON Lines, columns derived from the transcript's
 * JSON Schema, partitions projected from `year=/month=/day=`), the `messages`
 * view that flattens `messages`, the same pair over the redacted copies
 * (`rooms_redacted` over `redacted/`, columns from the redacted copy's JSON
 * Schema: the transcript's and the `redaction` block; `messages_redacted`),
 * and two Athena workgroups that enforce KMS-encrypted results and a
 * bytes-scanned limit per query: `workGroup` (redacted queries, results under
 * `results/redacted/`) and `fullWorkGroup` (queries of the full transcripts,
 * results under `results/full/`), so that the results of one never reach
 * whoever reads the other's.
 */
export class ArchiveAnalytics extends Construct {
  readonly database: CfnDatabase;
  readonly roomsTable: CfnTable;
  readonly messagesView: CfnTable;
  /** The redacted copies, one row per room (`redacted/`). */
  readonly roomsRedactedTable: CfnTable;
  readonly messagesRedactedView: CfnTable;
  /** The workgroup of `grantQuery` by default: results under `results/redacted/`. */
  readonly workGroup: CfnWorkGroup;
  /** The workgroup of `grantQuery(…, { fullTranscripts: true })`: results under `results/full/`. */
  readonly fullWorkGroup: CfnWorkGroup;
  /** Where query results go (SSE-KMS with the archive key, expired after 30 days). */
  readonly resultsBucket: Bucket;
  /** The columns of `rooms`, from `docs/transcript.v1.schema.json`. */
  readonly columns: readonly GlueColumn[];
  /** The columns of `rooms_redacted`, from `docs/transcript-redacted.v1.schema.json`. */
  readonly redactedColumns: readonly GlueColumn[];

  constructor(scope: Construct, id: string, props: ArchiveAnalyticsProps) {
    super(scope, id);
    const catalogId = Aws.ACCOUNT_ID;
    this.columns = glueColumnsFromJsonSchema(readTranscriptJsonSchema());
    this.redactedColumns = glueColumnsFromJsonSchema(
      readTranscriptJsonSchema(REDACTED_TRANSCRIPT_JSON_SCHEMA_PATH),
    );

    this.database = new CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: {
        name: props.databaseName,
        description: 'HappyTalk transcript archive: rooms and messages (happytalk-archive)',
      },
    });

    this.roomsTable = this.createRoomsTable('RoomsTable', {
      name: ROOMS_TABLE,
      description: 'One row per archived room: the transcript JSON of transcripts/ (schema_version 1)',
      location: `s3://${props.bucket.bucketName}/transcripts/`,
      columns: this.columns,
    });
    this.messagesView = this.createMessagesView('MessagesView', {
      name: MESSAGES_VIEW,
      description: 'One row per message of the archived rooms, with the room partition and its people',
      table: ROOMS_TABLE,
      columns: this.columns,
      databaseName: props.databaseName,
    });
    this.messagesView.addResourceDependency(this.roomsTable, 'the view selects from the rooms table');

    this.roomsRedactedTable = this.createRoomsTable('RoomsRedactedTable', {
      name: ROOMS_REDACTED_TABLE,
      description:
        'One row per archived room: the redacted copy of its transcript in redacted/ (personal data in free ' +
        'text masked, the customer ids pseudonymized), with its redaction block',
      location: `s3://${props.bucket.bucketName}/redacted/`,
      columns: this.redactedColumns,
    });
    this.messagesRedactedView = this.createMessagesView('MessagesRedactedView', {
      name: MESSAGES_REDACTED_VIEW,
      description:
        'One row per message of the redacted copies, with the room partition, its counselor and the ' +
        "customer's pseudonym",
      table: ROOMS_REDACTED_TABLE,
      columns: this.redactedColumns,
      databaseName: props.databaseName,
    });
    this.messagesRedactedView.addResourceDependency(
      this.roomsRedactedTable,
      'the view selects from the rooms_redacted table',
    );

    this.resultsBucket = new Bucket(this, 'ResultsBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'athena-results-bucket/',
      // No rule has a prefix filter: both workgroups' results (results/redacted/, results/full/) expire.
      lifecycleRules: [
        { id: 'expire-query-results', expiration: Duration.days(RESULTS_EXPIRATION_DAYS) },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const fullWorkGroupName = `${props.workGroupName}${FULL_WORKGROUP_SUFFIX}`;
    if (!Token.isUnresolved(props.workGroupName) && fullWorkGroupName.length > WORKGROUP_NAME_MAX) {
      throw new ArchiveConfigError(
        `athenaWorkGroupName ${JSON.stringify(props.workGroupName)} is too long: the full-transcripts ` +
          `workgroup adds "${FULL_WORKGROUP_SUFFIX}" and Athena allows ${WORKGROUP_NAME_MAX} characters; ` +
          `set an athenaWorkGroupName of at most ${WORKGROUP_NAME_MAX - FULL_WORKGROUP_SUFFIX.length}`,
      );
    }
    this.workGroup = this.createWorkGroup('WorkGroup', props, {
      name: props.workGroupName,
      description:
        'Queries over the redacted copies of the HappyTalk transcript archive: encrypted results, bytes scanned limited',
      resultsPrefix: RESULTS_PREFIXES.redacted,
    });
    this.fullWorkGroup = this.createWorkGroup('FullWorkGroup', props, {
      name: fullWorkGroupName,
      description:
        'Queries over the full HappyTalk transcripts (personal data): encrypted results, bytes scanned limited',
      resultsPrefix: RESULTS_PREFIXES.full,
    });
  }

  /**
   * A workgroup whose settings override the client's: results SSE-KMS with
   * the archive key under its own prefix of the results bucket, CloudWatch
   * metrics, the bytes-scanned limit per query.
   */
  private createWorkGroup(
    id: string,
    props: ArchiveAnalyticsProps,
    workGroup: { name: string; description: string; resultsPrefix: string },
  ): CfnWorkGroup {
    return new CfnWorkGroup(this, id, {
      name: workGroup.name,
      description: workGroup.description,
      state: 'ENABLED',
      // The workgroup keeps its query history: deleting the stack deletes the workgroup with it.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/${workGroup.resultsPrefix}`,
          expectedBucketOwner: Aws.ACCOUNT_ID,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
  }

  /**
   * A table of rooms (the transcripts, or their redacted copies): one JSON
   * line per room under `location`, partitions projected from
   * `year=/month=/day=` (no crawler, no partitions to add).
   */
  private createRoomsTable(
    id: string,
    table: { name: string; description: string; location: string; columns: readonly GlueColumn[] },
  ): CfnTable {
    const { location } = table;
    return new CfnTable(this, id, {
      catalogId: Aws.ACCOUNT_ID,
      // The database's Ref (its name) also orders the table after it.
      databaseName: this.database.ref,
      tableInput: {
        name: table.name,
        description: table.description,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          'projection.year.type': 'date',
          'projection.year.format': 'yyyy',
          'projection.year.range': `${PROJECTION_FIRST_YEAR},NOW`,
          'projection.year.interval': '1',
          'projection.year.interval.unit': 'YEARS',
          'projection.month.type': 'integer',
          'projection.month.range': '1,12',
          'projection.month.digits': '2',
          'projection.day.type': 'integer',
          'projection.day.range': '1,31',
          'projection.day.digits': '2',
          'storage.location.template': `${location}year=\${year}/month=\${month}/day=\${day}/`,
        },
        partitionKeys: [
          { name: 'year', type: 'string', comment: 'Year of the room registration (HappyTalk local time)' },
          { name: 'month', type: 'string', comment: 'Month of the room registration, 01 to 12' },
          { name: 'day', type: 'string', comment: 'Day of the room registration, 01 to 31' },
        ],
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: {
              'ignore.malformed.json': 'FALSE',
              'dots.in.keys': 'FALSE',
              'case.insensitive': 'TRUE',
            },
          },
          columns: table.columns.map((column) => ({ ...column })),
        },
      },
    });
  }

  /**
   * A view of messages (a Glue VIRTUAL_VIEW holding Athena's view definition)
   * over a table of rooms: one row per message with the room's partition,
   * counselor and customer. Messages are reached by position, which reads the
   * same on every Athena engine, whatever it does when unnesting an array of rows.
   */
  private createMessagesView(
    id: string,
    view: {
      name: string;
      description: string;
      table: string;
      columns: readonly GlueColumn[];
      databaseName: string;
    },
  ): CfnTable {
    const { databaseName } = view;
    const definition = messagesViewDefinition(databaseName, view.columns, view.table);
    const presto = {
      originalSql: definition.sql,
      catalog: 'awsdatacatalog',
      schema: databaseName,
      columns: definition.columns.map((column) => ({ name: column.name, type: prestoType(column.type) })),
    };
    return new CfnTable(this, id, {
      catalogId: Aws.ACCOUNT_ID,
      databaseName,
      tableInput: {
        name: view.name,
        description: view.description,
        tableType: 'VIRTUAL_VIEW',
        parameters: { presto_view: 'true', comment: 'Presto View' },
        viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(presto)).toString('base64')} */`,
        viewExpandedText: '/* Presto View */',
        storageDescriptor: {
          columns: definition.columns.map((column) => ({ ...column })),
          serdeInfo: {},
        },
      },
    });
  }
}

/**
 * A message field the view selects, by its path below one element of
 * `messages`; scalars, and the lists named in {@link LIST_FIELDS}.
 */
const MESSAGE_FIELDS: readonly (readonly [column: string, path: string])[] = [
  ['message_id', 'id'],
  ['from_id', 'from_id'],
  ['to_id', 'to_id'],
  ['type', 'type.name'],
  ['sender', 'sender.name'],
  ['sender_code', 'sender.code'],
  ['content_type', 'content_type.name'],
  ['text', 'text'],
  ['image_url', 'image_url'],
  ['contents', 'contents'],
  ['sent_at', 'sent_at'],
  ['read_at', 'read_at'],
  ['buttons', 'buttons'],
];

/** A room field the view repeats on each message row, by its path in the `rooms` table. */
const ROOM_FIELDS: readonly (readonly [column: string, path: string])[] = [
  ['room_id', 'room_id'],
  ['year', 'year'],
  ['month', 'month'],
  ['day', 'day'],
  ['room_status', 'chat.status.name'],
  ['counselor_name', 'chat.counselor.name'],
  ['customer_uuid', 'chat.customer.uuid'],
  ['room_registered_at', 'chat.registered_at'],
];

/** Room fields the view repeats on each message row after the message's own columns. */
const TRAILING_ROOM_FIELDS: readonly (readonly [column: string, path: string])[] = [['tags', 'chat.tags']];

/** The fields the view selects as lists rather than scalars: a room's tags, a message's buttons. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['chat.tags', 'buttons']);

/**
 * The SQL and the columns of a messages view over a table of rooms (`rooms`,
 * by default, or `rooms_redacted`). Every path it selects must exist in the
 * table's columns as a scalar (or, for `chat.tags` and `buttons`, a list): a
 * schema change that removed or retyped one fails here, at synth, rather than
 * in Athena.
 */
export function messagesViewDefinition(
  databaseName: string,
  columns: readonly GlueColumn[],
  table: string = ROOMS_TABLE,
): { sql: string; columns: GlueColumn[] } {
  const tableTypes = new Map<string, string>([
    ...columns.map((column) => [column.name, column.type] as const),
    ['year', 'string'],
    ['month', 'string'],
    ['day', 'string'],
  ]);
  const messageType = /^array<(.*)>$/.exec(tableTypes.get('messages') ?? '')?.[1];
  if (messageType === undefined) throw new Error('the rooms table has no messages array');
  const roomColumns = ROOM_FIELDS.map(([name, path]) => ({ name, type: typeAt(path, tableTypes), path }));
  const trailingColumns = TRAILING_ROOM_FIELDS.map(([name, path]) => ({
    name,
    type: typeAt(path, tableTypes),
    path,
  }));
  const messageColumns = MESSAGE_FIELDS.map(([name, path]) => ({
    name,
    type: typeAt(path, new Map([['', messageType]]), ''),
    path,
  }));
  const sql = [
    `SELECT ${[...roomColumns.map((c) => c.name), 'message_index', ...messageColumns.map((c) => `message.${c.path} AS ${c.name}`), ...trailingColumns.map((c) => c.name)].join(', ')}`,
    'FROM (',
    `  SELECT ${[...roomColumns, ...trailingColumns].map((c) => `r.${c.path} AS ${c.name}`).join(', ')}, u.message_index, r.messages[u.message_index] AS message`,
    `  FROM "${databaseName}"."${table}" r`,
    '  CROSS JOIN UNNEST(IF(cardinality(r.messages) > 0, sequence(1, cardinality(r.messages)), CAST(ARRAY[] AS array(bigint)))) AS u (message_index)',
    ')',
  ].join('\n');
  return {
    sql,
    columns: [
      ...roomColumns.map(({ name, type }) => ({ name, type })),
      { name: 'message_index', type: 'bigint', comment: 'Position of the message in the room, from 1' },
      ...messageColumns.map(({ name, type }) => ({ name, type })),
      ...trailingColumns.map(({ name, type }) => ({ name, type })),
    ],
  };
}

/** The Hive type at a dotted path through struct types, from a map of top-level types. */
function typeAt(path: string, roots: ReadonlyMap<string, string>, rootName?: string): string {
  const [first, ...rest] = rootName === undefined ? path.split('.') : [rootName, ...path.split('.')];
  let type = roots.get(first ?? '');
  for (const field of rest) {
    type = type === undefined ? undefined : structFields(type).get(field);
  }
  if (LIST_FIELDS.has(path)) {
    if (type === undefined || !type.startsWith('array<')) {
      throw new Error(`the messages view selects ${path}, which is not a list field of the rooms table`);
    }
    return type;
  }
  if (type === undefined || /[<>]/.test(type)) {
    throw new Error(`the messages view selects ${path}, which is not a scalar field of the rooms table`);
  }
  return type;
}
