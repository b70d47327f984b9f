import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Glue (Hive) column definitions derived from the published JSON Schema of the
 * transcript, `docs/transcript.v1.schema.json`: the one source of truth of the
 * record's shape. A field added to the schema becomes a column (or a struct
 * field) at the next synth; nothing is written twice.
 */

/** A node of a JSON Schema, as far as this module reads it. */
export interface JsonSchemaNode {
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly $ref?: string;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly oneOf?: readonly JsonSchemaNode[];
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly additionalProperties?: JsonSchemaNode | boolean;
  readonly items?: JsonSchemaNode;
  readonly description?: string;
  readonly $defs?: Readonly<Record<string, JsonSchemaNode>>;
}

/** One column of a Glue table. */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
}

/** Where the published JSON Schema of the transcript lives. */
export const TRANSCRIPT_JSON_SCHEMA_PATH = fileURLToPath(
  new URL('../../docs/transcript.v1.schema.json', import.meta.url),
);

/** Where the published JSON Schema of the transcript's redacted copy lives. */
export const REDACTED_TRANSCRIPT_JSON_SCHEMA_PATH = fileURLToPath(
  new URL('../../docs/transcript-redacted.v1.schema.json', import.meta.url),
);

/** Reads the published JSON Schema of the transcript (or, given its path, of the redacted copy). */
export function readTranscriptJsonSchema(path = TRANSCRIPT_JSON_SCHEMA_PATH): JsonSchemaNode {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonSchemaNode;
}

/** Glue limits a column comment to 255 characters. */
const MAX_COMMENT = 255;

/**
 * The columns of a table of records described by `schema` (an object schema):
 * one column per top-level property, in the schema's order, typed by
 * {@link hiveType}, with the property's description as comment.
 */
export function glueColumnsFromJsonSchema(schema: JsonSchemaNode): GlueColumn[] {
  const root = resolve(schema, schema);
  if (!root.properties) throw new Error('the transcript JSON Schema has no properties');
  return Object.entries(root.properties).map(([name, node]) => {
    const description = resolve(node, schema).description ?? node.description;
    return {
      name,
      type: hiveType(node, schema),
      ...(description ? { comment: description.slice(0, MAX_COMMENT) } : {}),
    };
  });
}

/**
 * The Hive type Athena reads a JSON value of this schema as, with the OpenX
 * JSON SerDe: `string`, `bigint` (integer), `double` (number; `int` for an
 * integer constant such as `schema_version`), `boolean`, `array<…>`,
 * `struct<…>` (an object with properties; extra properties are not columns),
 * `map<string,…>` (an object of free keys, such as `extra`). Nullable types
 * are their non-null type; a value of any type, or of several, is `string`
 * (the SerDe gives its JSON text).
 */
export function hiveType(node: JsonSchemaNode, root: JsonSchemaNode): string {
  const schema = resolve(node, root);
  const variants = (schema.anyOf ?? schema.oneOf)?.filter((variant) => !isNull(resolve(variant, root)));
  if (variants) return variants.length === 1 && variants[0] ? hiveType(variants[0], root) : 'string';
  const types = (typeof schema.type === 'string' ? [schema.type] : (schema.type ?? [])).filter(
    (t) => t !== 'null',
  );
  if (types.length !== 1) return 'string';
  switch (types[0]) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'bigint';
    case 'number':
      return Number.isInteger(schema.const) ? 'int' : 'double';
    case 'array':
      return `array<${schema.items ? hiveType(schema.items, root) : 'string'}>`;
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length > 0) {
        return `struct<${properties.map(([name, child]) => `${name}:${hiveType(child, root)}`).join(',')}>`;
      }
      const values = schema.additionalProperties;
      return `map<string,${typeof values === 'object' ? hiveType(values, root) : 'string'}>`;
    }
    default:
      return 'string';
  }
}

const PRESTO_SCALARS: Readonly<Record<string, string>> = {
  string: 'varchar',
  bigint: 'bigint',
  int: 'integer',
  double: 'double',
  boolean: 'boolean',
};

/**
 * The Presto/Trino type of a Hive type, for the view definitions Athena reads:
 * scalars, `array<…>` as `array(…)`, `map<k,v>` as `map(k, v)`, and
 * `struct<a:t,…>` as `row(a t, …)`.
 */
export function prestoType(hive: string): string {
  const array = /^array<(.+)>$/.exec(hive);
  if (array?.[1] !== undefined) return `array(${prestoType(array[1])})`;
  const map = /^map<([a-z]+),(.+)>$/.exec(hive);
  if (map?.[1] !== undefined && map[2] !== undefined)
    return `map(${prestoType(map[1])}, ${prestoType(map[2])})`;
  if (hive.startsWith('struct<')) {
    const fields = [...structFields(hive)].map(([name, type]) => `${name} ${prestoType(type)}`);
    return `row(${fields.join(', ')})`;
  }
  const type = PRESTO_SCALARS[hive];
  if (type === undefined) throw new Error(`no Presto type for the Hive type ${hive}`);
  return type;
}

/** The fields of a `struct<a:t,b:struct<…>>` type, split at the top level. */
export function structFields(type: string): Map<string, string> {
  const fields = new Map<string, string>();
  const match = /^struct<(.*)>$/.exec(type);
  if (!match?.[1]) return fields;
  let depth = 0;
  let start = 0;
  const body = match[1];
  for (let index = 0; index <= body.length; index++) {
    const character = body[index];
    if (character === '<') depth += 1;
    if (character === '>') depth -= 1;
    if ((character === ',' && depth === 0) || index === body.length) {
      const part = body.slice(start, index);
      const colon = part.indexOf(':');
      fields.set(part.slice(0, colon), part.slice(colon + 1));
      start = index + 1;
    }
  }
  return fields;
}

function resolve(node: JsonSchemaNode, root: JsonSchemaNode): JsonSchemaNode {
  if (node.$ref === undefined) return node;
  const match = /^#\/\$defs\/(.+)$/.exec(node.$ref);
  const target = match?.[1] === undefined ? undefined : root.$defs?.[match[1]];
  if (target === undefined) throw new Error(`unresolvable $ref ${node.$ref} in the transcript JSON Schema`);
  return { ...target, ...(node.description ? { description: node.description } : {}) };
}

function isNull(node: JsonSchemaNode): boolean {
  return node.type === 'null';
}
