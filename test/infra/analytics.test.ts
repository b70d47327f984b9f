import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesViewDefinition } from '../../infra/parts/analytics.js';
import type { JsonSchemaNode } from '../../infra/parts/glue-schema.js';
import { buildBundles, logicalIdOf, REPO_ROOT, synthTemplate } from './support.js';

let bundles: Awaited<ReturnType<typeof buildBundles>>;
let template: Template;

const SCHEMA = JSON.parse(
  readFileSync(join(REPO_ROOT, 'docs/transcript.v1.schema.json'), 'utf8'),
) as JsonSchemaNode;
const REDACTED_SCHEMA = JSON.parse(
  readFileSync(join(REPO_ROOT, 'docs/transcript-redacted.v1.schema.json'), 'utf8'),
) as JsonSchemaNode;

interface Column {
  Name: string;
  Type: string;
  Comment?: string;
}

interface TableInput {
  Name: string;
  TableType: string;
  Parameters: Record<string, unknown>;
  PartitionKeys?: Column[];
  StorageDescriptor: { Columns: Column[]; Location?: unknown; SerdeInfo: Record<string, unknown> };
  ViewOriginalText?: string;
}

/** Athena's `${name}` placeholder of a location template. */
function athena(name: string): string {
  return ['$', '{', name, '}'].join('');
}

function table(t: Template, name: string): TableInput {
  const id = logicalIdOf(t, 'AWS::Glue::Table', { TableInput: Match.objectLike({ Name: name }) });
  return (t.toJSON().Resources[id].Properties as { TableInput: TableInput }).TableInput;
}

/** A Hive type, parsed: what the test compares with the JSON Schema, independently of the construct's code. */
type HiveNode =
  | { kind: 'scalar'; name: string }
  | { kind: 'array'; of: HiveNode }
  | { kind: 'map'; key: HiveNode; value: HiveNode }
  | { kind: 'struct'; fields: [string, HiveNode][] };

function parseHive(text: string): HiveNode {
  let position = 0;
  const read = (): HiveNode => {
    const name = /^[a-z]+/.exec(text.slice(position))?.[0] ?? '';
    position += name.length;
    if (text[position] !== '<') return { kind: 'scalar', name };
    position += 1;
    let node: HiveNode;
    if (name === 'array') node = { kind: 'array', of: read() };
    else if (name === 'map') {
      const key = read();
      position += 1;
      node = { kind: 'map', key, value: read() };
    } else {
      const fields: [string, HiveNode][] = [];
      while (text[position] !== '>') {
        const field = /^[A-Za-z0-9_]+/.exec(text.slice(position))?.[0] ?? '';
        position += field.length + 1;
        fields.push([field, read()]);
        if (text[position] === ',') position += 1;
      }
      node = { kind: 'struct', fields };
    }
    position += 1;
    return node;
  };
  const node = read();
  if (position !== text.length) throw new Error(`unparsed Hive type ${text.slice(position)}`);
  return node;
}

function deref(node: JsonSchemaNode, root: JsonSchemaNode): JsonSchemaNode {
  const name = node.$ref?.replace('#/$defs/', '');
  return name === undefined ? node : (root.$defs?.[name] ?? {});
}

/** Every mismatch between a JSON Schema node (of the schema `root`) and a Hive type, by path. */
function mismatches(
  schemaNode: JsonSchemaNode,
  hive: HiveNode,
  path: string,
  root: JsonSchemaNode = SCHEMA,
): string[] {
  const node = deref(schemaNode, root);
  const options = (node.anyOf ?? [])
    .map((option) => deref(option, root))
    .filter((option) => option.type !== 'null');
  if (options.length === 1 && options[0]) return mismatches(options[0], hive, path, root);
  const type = [node.type ?? []].flat().filter((t) => t !== 'null');
  const scalar = (name: string) =>
    hive.kind === 'scalar' && hive.name === name
      ? []
      : [`${path}: expected ${name}, got ${JSON.stringify(hive)}`];
  if (type.length !== 1) return scalar('string');
  switch (type[0]) {
    case 'string':
      return scalar('string');
    case 'integer':
      return scalar('bigint');
    case 'number':
      return scalar(Number.isInteger(node.const) ? 'int' : 'double');
    case 'boolean':
      return scalar('boolean');
    case 'array':
      return hive.kind === 'array'
        ? mismatches(node.items ?? {}, hive.of, `${path}[]`, root)
        : [`${path}: expected an array, got ${hive.kind}`];
    default: {
      const properties = Object.entries(node.properties ?? {});
      if (properties.length === 0) {
        if (hive.kind !== 'map') return [`${path}: expected a map, got ${hive.kind}`];
        const values = typeof node.additionalProperties === 'object' ? node.additionalProperties : {};
        return [
          ...mismatches({ type: 'string' }, hive.key, `${path}{key}`, root),
          ...mismatches(values, hive.value, `${path}{}`, root),
        ];
      }
      if (hive.kind !== 'struct') return [`${path}: expected a struct, got ${hive.kind}`];
      const names = hive.fields.map(([name]) => name);
      if (names.join() !== properties.map(([name]) => name).join()) {
        return [
          `${path}: fields ${names.join()} are not the schema's ${properties.map(([name]) => name).join()}`,
        ];
      }
      return properties.flatMap(([name, child], index) =>
        mismatches(child, (hive.fields[index] as [string, HiveNode])[1], `${path}.${name}`, root),
      );
    }
  }
}

beforeAll(async () => {
  bundles = await buildBundles();
  template = synthTemplate(bundles.dir);
});

afterAll(async () => {
  await bundles.remove();
});

describe('rooms table', () => {
  it('has one column per property of docs/transcript.v1.schema.json, each typed as the schema says', () => {
    // Act
    const columns = table(template, 'rooms').StorageDescriptor.Columns;
    const problems = columns.flatMap((column) =>
      mismatches(
        SCHEMA.properties?.[column.Name] ?? { type: 'missing' },
        parseHive(column.Type),
        column.Name,
      ),
    );

    // Assess
    expect(columns.map((column) => column.Name)).toEqual(Object.keys(SCHEMA.properties ?? {}));
    expect(problems).toEqual([]);
    expect(columns.find((column) => column.Name === 'room_id')?.Comment).toBe(
      SCHEMA.properties?.room_id?.description,
    );
  });

  it('types the fields queries rely on as Athena needs them', () => {
    // Act
    const types = Object.fromEntries(
      table(template, 'rooms').StorageDescriptor.Columns.map((column) => [column.Name, column.Type]),
    );

    // Assess
    expect(types.schema_version).toBe('int');
    expect(types.room_id).toBe('string');
    expect(types.chat).toContain('counselor:struct<name:string,nickname:string>');
    expect(types.chat).toContain('rating:struct<score:double,comment:string>');
    expect(types.chat).toContain('extra:map<string,string>');
    expect(types.messages).toMatch(
      /^array<struct<id:string,.*links:array<struct<name:string,url:string>>,buttons:array<struct<type:string,name:string,url:string,mobile_url:string>>.*>>$/,
    );
    expect(types.chat).toContain('tags:array<string>');
    expect(types.stats).toBe(
      'struct<message_count:bigint,by_sender:map<string,bigint>,first_message_at:string,last_message_at:string,duration_seconds:bigint>',
    );
  });

  it('reads transcripts/ as JSON, with year/month/day partitions projected, so no crawler is needed', () => {
    // Act
    const rooms = table(template, 'rooms');
    const bucket = logicalIdOf(template, 'AWS::S3::Bucket', { ObjectLockEnabled: true });

    // Assess
    expect(rooms.TableType).toBe('EXTERNAL_TABLE');
    expect(rooms.StorageDescriptor.SerdeInfo).toMatchObject({
      SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
    });
    expect(rooms.StorageDescriptor.Location).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: bucket }, '/transcripts/']],
    });
    expect(rooms.PartitionKeys?.map((key) => `${key.Name}:${key.Type}`)).toEqual([
      'year:string',
      'month:string',
      'day:string',
    ]);
    expect(rooms.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.year.type': 'date',
      'projection.year.format': 'yyyy',
      'projection.year.range': '2010,NOW',
      'projection.month.type': 'integer',
      'projection.month.range': '1,12',
      'projection.month.digits': '2',
      'projection.day.range': '1,31',
      'projection.day.digits': '2',
      'storage.location.template': {
        'Fn::Join': [
          '',
          [
            's3://',
            { Ref: bucket },
            `/transcripts/year=${athena('year')}/month=${athena('month')}/day=${athena('day')}/`,
          ],
        ],
      },
    });
  });
});

describe('messages view', () => {
  it('is an Athena view over rooms with one row per message, its columns typed in both catalogs', () => {
    // Act
    const view = table(template, 'messages');
    const encoded = /^\/\* Presto View: (.+) \*\/$/.exec(view.ViewOriginalText ?? '')?.[1] ?? '';
    const presto = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as {
      originalSql: string;
      catalog: string;
      schema: string;
      columns: { name: string; type: string }[];
    };

    // Assess
    expect(view.TableType).toBe('VIRTUAL_VIEW');
    expect(view.Parameters).toEqual({ presto_view: 'true', comment: 'Presto View' });
    expect(presto.catalog).toBe('awsdatacatalog');
    expect(presto.schema).toBe('happytalkarchive');
    expect(presto.originalSql).toContain('FROM "happytalkarchive"."rooms" r');
    expect(presto.columns.map((column) => column.name)).toEqual(
      view.StorageDescriptor.Columns.map((column) => column.Name),
    );
    expect(presto.columns.slice(0, 9)).toEqual([
      { name: 'room_id', type: 'varchar' },
      { name: 'year', type: 'varchar' },
      { name: 'month', type: 'varchar' },
      { name: 'day', type: 'varchar' },
      { name: 'room_status', type: 'varchar' },
      { name: 'counselor_name', type: 'varchar' },
      { name: 'customer_uuid', type: 'varchar' },
      { name: 'room_registered_at', type: 'varchar' },
      { name: 'message_index', type: 'bigint' },
    ]);
    expect(presto.columns.map((column) => column.name)).toEqual(
      expect.arrayContaining(['message_id', 'sender', 'text', 'contents', 'sent_at']),
    );
  });

  it('gives each message row its buttons and its room tags, as lists typed in both catalogs', () => {
    // Act
    const view = table(template, 'messages');
    const encoded = /^\/\* Presto View: (.+) \*\/$/.exec(view.ViewOriginalText ?? '')?.[1] ?? '';
    const presto = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as {
      originalSql: string;
      columns: { name: string; type: string }[];
    };
    const glue = new Map(view.StorageDescriptor.Columns.map((column) => [column.Name, column.Type]));
    const types = new Map(presto.columns.map((column) => [column.name, column.type]));

    // Assess
    expect(types.get('tags')).toBe('array(varchar)');
    expect(types.get('buttons')).toBe(
      'array(row(type varchar, name varchar, url varchar, mobile_url varchar))',
    );
    expect(glue.get('tags')).toBe('array<string>');
    expect(glue.get('buttons')).toBe('array<struct<type:string,name:string,url:string,mobile_url:string>>');
    expect(presto.originalSql).toContain('r.chat.tags AS tags');
    expect(presto.originalSql).toContain('message.buttons AS buttons');
  });

  it('refuses, at synth, a view whose list field is not a list in the rooms table', () => {
    // Prepare
    const columns = [
      { name: 'room_id', type: 'string' },
      {
        name: 'chat',
        type: 'struct<status:struct<name:string>,counselor:struct<name:string>,customer:struct<uuid:string>,registered_at:string,tags:string>',
      },
      { name: 'messages', type: 'array<struct<id:string>>' },
    ];

    // Act
    const act = () => messagesViewDefinition('db', columns);

    // Assess
    expect(act).toThrow('the messages view selects chat.tags, which is not a list field of the rooms table');
  });

  it('refuses, at synth, a view over a field the rooms table does not have', () => {
    // Prepare
    const columns = [
      { name: 'room_id', type: 'string' },
      { name: 'chat', type: 'struct<status:struct<name:string>,counselor:struct<name:string>>' },
      { name: 'messages', type: 'array<struct<id:string>>' },
    ];

    // Act
    const act = () => messagesViewDefinition('db', columns);

    // Assess
    expect(act).toThrow(/selects customer\.uuid|selects chat\.customer\.uuid/);
  });
});

/** The Athena definition a view's Glue table holds. */
function prestoOf(view: TableInput): {
  originalSql: string;
  schema: string;
  columns: { name: string; type: string }[];
} {
  const encoded = /^\/\* Presto View: (.+) \*\/$/.exec(view.ViewOriginalText ?? '')?.[1] ?? '';
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
}

describe('rooms_redacted table', () => {
  it('has one column per property of docs/transcript-redacted.v1.schema.json, each typed as the schema says', () => {
    // Act
    const columns = table(template, 'rooms_redacted').StorageDescriptor.Columns;
    const problems = columns.flatMap((column) =>
      mismatches(
        REDACTED_SCHEMA.properties?.[column.Name] ?? { type: 'missing' },
        parseHive(column.Type),
        column.Name,
        REDACTED_SCHEMA,
      ),
    );

    // Assess
    expect(columns.map((column) => column.Name)).toEqual(Object.keys(REDACTED_SCHEMA.properties ?? {}));
    expect(problems).toEqual([]);
  });

  it("has the rooms table's columns, typed alike, and the redaction block after them", () => {
    // Act
    const rooms = table(template, 'rooms').StorageDescriptor.Columns;
    const redacted = table(template, 'rooms_redacted').StorageDescriptor.Columns;

    // Assess
    expect(redacted.slice(0, rooms.length)).toEqual(rooms);
    expect(redacted.slice(rooms.length).map((column) => [column.Name, column.Type])).toEqual([
      [
        'redaction',
        'struct<redactor_version:string,mask:string,counts:map<string,bigint>,pseudonymized:array<string>,' +
          'pseudonym_key_id:string,counselors:string,names:boolean>',
      ],
    ]);
  });

  it('reads redacted/ as JSON, with the partitions projected as for rooms', () => {
    // Act
    const rooms = table(template, 'rooms');
    const redacted = table(template, 'rooms_redacted');
    const bucket = logicalIdOf(template, 'AWS::S3::Bucket', { ObjectLockEnabled: true });

    // Assess
    expect(redacted.StorageDescriptor.Location).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: bucket }, '/redacted/']],
    });
    expect(redacted.Parameters['storage.location.template']).toEqual({
      'Fn::Join': [
        '',
        [
          's3://',
          { Ref: bucket },
          `/redacted/year=${athena('year')}/month=${athena('month')}/day=${athena('day')}/`,
        ],
      ],
    });
    const { 'storage.location.template': _, ...projection } = redacted.Parameters;
    const { 'storage.location.template': __, ...roomsProjection } = rooms.Parameters;
    expect(projection).toEqual(roomsProjection);
    expect(redacted.PartitionKeys).toEqual(rooms.PartitionKeys);
    expect(redacted.StorageDescriptor.SerdeInfo).toEqual(rooms.StorageDescriptor.SerdeInfo);
  });
});

describe('messages_redacted view', () => {
  it('is the messages view over rooms_redacted: the same columns, from the redacted copies', () => {
    // Act
    const messages = prestoOf(table(template, 'messages'));
    const redacted = prestoOf(table(template, 'messages_redacted'));

    // Assess
    expect(table(template, 'messages_redacted').TableType).toBe('VIRTUAL_VIEW');
    expect(redacted.columns).toEqual(messages.columns);
    expect(redacted.originalSql).toBe(
      messages.originalSql.replace('"happytalkarchive"."rooms" r', '"happytalkarchive"."rooms_redacted" r'),
    );
    expect(redacted.originalSql).not.toContain('."rooms" r');
  });

  it('is created after the table it selects from', () => {
    // Act
    const resources = template.toJSON().Resources as Record<string, { DependsOn?: string[] }>;
    const viewId = logicalIdOf(template, 'AWS::Glue::Table', {
      TableInput: Match.objectLike({ Name: 'messages_redacted' }),
    });
    const tableId = logicalIdOf(template, 'AWS::Glue::Table', {
      TableInput: Match.objectLike({ Name: 'rooms_redacted' }),
    });

    // Assess
    expect(resources[viewId]?.DependsOn).toContain(tableId);
  });
});

describe('Athena workgroups', () => {
  /** The logical id the workgroup was first deployed with: deployed stacks, smoke and README use it. */
  const REDACTED_WORKGROUP_ID = 'ArchiveAnalyticsWorkGroup4F7E86A7';

  /** The archive key and the results bucket, by their logical ids. */
  function keyAndResults(): { key: string; results: string } {
    return {
      key: logicalIdOf(template, 'AWS::KMS::Key', {
        Description: Match.stringLikeRegexp('transcript archive'),
      }),
      results: logicalIdOf(template, 'AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-query-results' })]),
        },
      }),
    };
  }

  it.each([
    ['the redacted workgroup, under its deployed name', 'HappyTalkArchive', '/results/redacted/'],
    ['the full-transcripts workgroup', 'HappyTalkArchive-full', '/results/full/'],
  ])(
    '%s enforces KMS-encrypted results under its own prefix and a bytes-scanned limit per query',
    (_case, name, prefix) => {
      // Prepare
      const { key, results } = keyAndResults();

      // Assess
      template.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: name,
        State: 'ENABLED',
        // Deleting the stack deletes the workgroup even when it has run queries.
        RecursiveDeleteOption: true,
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          BytesScannedCutoffPerQuery: 10_240_000_000,
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          ResultConfiguration: {
            OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: results }, prefix]] },
            ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
            EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [key, 'Arn'] } },
          },
        },
      });
    },
  );

  it('keeps the redacted workgroup under the logical id it was deployed with, and has no third', () => {
    // Act
    const workGroups = template.findResources('AWS::Athena::WorkGroup');

    // Assess
    const idsByName = Object.fromEntries(
      Object.entries(workGroups).map(([id, resource]) => [resource.Properties.Name as string, id]),
    );
    expect(Object.keys(idsByName).sort()).toEqual(['HappyTalkArchive', 'HappyTalkArchive-full']);
    expect(idsByName.HappyTalkArchive).toBe(REDACTED_WORKGROUP_ID);
    expect(idsByName['HappyTalkArchive-full']).toMatch(/^ArchiveAnalyticsFullWorkGroup[0-9A-F]{8}$/);
  });

  it('expires the results of both workgroups: the rules of the results bucket filter no prefix', () => {
    // Prepare
    const { key, results } = keyAndResults();

    // Act
    const bucket = template.findResources('AWS::S3::Bucket')[results];

    // Assess
    const rules = bucket?.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules).toEqual([
      { Id: 'expire-query-results', ExpirationInDays: 30, Status: 'Enabled' },
      {
        Id: 'abort-incomplete-multipart-uploads',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      },
    ]);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] },
            },
          }),
        ],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: 'expire-query-results', ExpirationInDays: 30 })]),
      },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
    });
  });

  it('takes the database, workgroup and limit from context', () => {
    // Act
    const tuned = synthTemplate(bundles.dir, {
      context: {
        glueDatabaseName: 'chats',
        athenaWorkGroupName: 'chats-wg',
        athenaBytesScannedCutoffMb: '500',
      },
    });

    // Assess
    tuned.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: Match.objectLike({ Name: 'chats' }),
    });
    const database = logicalIdOf(tuned, 'AWS::Glue::Database');
    tuned.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: { Ref: database },
      TableInput: Match.objectLike({ Name: 'rooms' }),
    });
    tuned.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'chats',
      TableInput: Match.objectLike({ Name: 'messages' }),
    });
    for (const name of ['chats-wg', 'chats-wg-full']) {
      tuned.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: name,
        WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 500_000_000 }),
      });
    }
  });

  it('refuses a workgroup name too long for its full-transcripts twin, naming the setting', () => {
    // Act
    const act = () => synthTemplate(bundles.dir, { context: { athenaWorkGroupName: 'w'.repeat(124) } });

    // Assess
    expect(act).toThrow(
      /^athenaWorkGroupName "w{124}" is too long: the full-transcripts workgroup adds "-full"/,
    );
  });

  it('accepts the longest name whose twin fits in the 128 characters of Athena', () => {
    // Act
    const tuned = synthTemplate(bundles.dir, { context: { athenaWorkGroupName: 'w'.repeat(123) } });

    // Assess
    tuned.hasResourceProperties('AWS::Athena::WorkGroup', { Name: `${'w'.repeat(123)}-full` });
  });
});
