import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateRoom, sampleRooms } from '../../../dev/simulator/index.js';
import { roomListAnswer } from '../../../dev/simulator/room-list.js';
import { parseAnswerJson } from '../../../lib/happytalk/answer.js';
import { isChatDataResponse, isRoomListResponse } from '../../../lib/happytalk/schema.js';
import { ChatDataResponseSchema, RoomListResponseSchema } from '../../../lib/happytalk/shape-schemas.js';

// The in-place checks run on every answer a Lambda function reads; the zod schemas, loaded only for a refused
// answer, name its first issue. A check that accepts what its schema refuses would pass an answer the rest of
// the archive does not expect; one that refuses what its schema accepts would report "unknown shape".

const encoder = new TextEncoder();
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');

/** JSON as the clients read it (integers past 2^53 as digit strings). */
function answer(text: string): unknown {
  return parseAnswerJson(encoder.encode(text), 'the test').json;
}

/** Values put in place of each node of a valid answer, or deleted (undefined). */
const PROBES: readonly unknown[] = [
  undefined,
  null,
  '',
  'x',
  ' 12 ',
  '12a',
  '-1',
  '9007199254740993',
  0,
  -1,
  1.5,
  true,
  [],
  [{}],
  [{ id: 'x' }],
  {},
  { id: 'x' },
];

type Path = readonly (string | number)[];

function nodePaths(value: unknown, path: Path = []): Path[] {
  const children =
    Array.isArray(value) || (typeof value === 'object' && value !== null)
      ? Object.entries(value).flatMap(([key, child]) =>
          nodePaths(child, [...path, Array.isArray(value) ? Number(key) : key]),
        )
      : [];
  return [path, ...children];
}

function replaced(value: unknown, path: Path, probe: unknown): unknown {
  if (path.length === 0) return structuredClone(probe);
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (probe === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = structuredClone(probe);
  return copy;
}

/** Every answer made from `valid` by replacing one node with one probe (or deleting it). */
function mutationsOf(valid: readonly unknown[]): unknown[] {
  return valid.flatMap((value) =>
    nodePaths(value).flatMap((path) => PROBES.map((probe) => replaced(value, path, probe))),
  );
}

interface Verdicts {
  readonly accepted: number;
  readonly refused: number;
  readonly disagreements: readonly { answer: string; check: boolean; schema: boolean }[];
}

function compare(
  answers: readonly unknown[],
  check: (value: unknown) => boolean,
  schema: { safeParse(value: unknown): { success: boolean } },
): Verdicts {
  let accepted = 0;
  const disagreements: { answer: string; check: boolean; schema: boolean }[] = [];
  for (const value of answers) {
    const byCheck = check(value);
    const bySchema = schema.safeParse(value).success;
    if (bySchema) accepted += 1;
    if (byCheck !== bySchema) {
      disagreements.push({ answer: JSON.stringify(value) ?? 'undefined', check: byCheck, schema: bySchema });
    }
  }
  return { accepted, refused: answers.length - accepted, disagreements };
}

const PROTO_KEYED = '{"result":"success","data":[{"chat":{"__proto__":{"id":"A"}}}]}';

describe('isChatDataResponse and ChatDataResponseSchema', () => {
  const valid: unknown[] = [
    {
      result: 'success',
      data: [
        { chat: { id: 'A', title: 't' }, message: [{ id: 'm1', contents: 'hi' }, { id: 2 }] },
        { chat: { id: 7 }, message: null },
      ],
      extra: 1,
    },
    { result: 'success', data: null },
    { result: 'fail', code: -503, message: 'room' },
    { result: 'fail', code: '-504', message: null },
  ];

  it('accept and refuse alike every fixture and sample room of the simulator', () => {
    // Prepare
    const corpus = (JSON.parse(fixture('normalizer-corpus.json')) as string[]).map(answer);
    const rooms = [
      ...sampleRooms(),
      generateRoom({ roomId: 'generated-v1', messageCount: 40 }),
      generateRoom({ roomId: 'generated-v2', messageCount: 40, templates: 'v2' }),
    ];
    const answers = [
      answer(fixture('chat-data-example.json')),
      ...corpus,
      ...rooms.map((room) => ({ result: 'success', data: [room] })),
      { result: 'success', data: rooms },
    ];

    // Act
    const verdicts = compare(answers, isChatDataResponse, ChatDataResponseSchema);

    // Assess
    expect(verdicts.disagreements).toEqual([]);
    expect(verdicts.accepted).toBe(answers.length);
  });

  it('accept and refuse alike every answer made by changing one node of a valid one', () => {
    // Prepare
    const answers = [
      ...valid,
      ...mutationsOf(valid),
      answer(PROTO_KEYED),
      [],
      'success',
      { result: 'maybe' },
      { result: 'success', data: [{ message: [] }] },
      { result: 'success', data: [{ chat: { id: 'A' }, message: [{ id: 'm1' }, { text: 'x' }] }] },
    ];

    // Act
    const verdicts = compare(answers, isChatDataResponse, ChatDataResponseSchema);

    // Assess
    expect(verdicts.disagreements).toEqual([]);
    expect(verdicts.accepted).toBeGreaterThan(50);
    expect(verdicts.refused).toBeGreaterThan(200);
  });
});

describe('isRoomListResponse and RoomListResponseSchema', () => {
  const valid: unknown[] = [
    {
      result: 'success',
      data: {
        page: '1',
        limit: '50',
        total_count: 2,
        chat_list: [
          {
            id: 'A',
            status: '2',
            reg_date: '2024-01-01 10:00:00',
            complate_date: '0000-00-00 00:00:00',
            last_message: 'x',
          },
          { id: 7, status: 2, reg_date: null },
        ],
      },
    },
    { result: 'success', data: { total_count: ' 0 ', chat_list: null } },
    { result: 'success', data: [] },
    { result: 'fail', code: -504, message: 'overDate' },
  ];

  it('accept and refuse alike the pages the simulator answers and the room list tests read', () => {
    // Prepare
    const rooms = sampleRooms();
    const pages = [1, 2, 3].map((page) =>
      roomListAnswer(
        {
          sdate: '2000-01-01',
          edate: '2099-12-31',
          status: 99,
          sortKey: 'reg_date',
          sortValue: 'asc',
          limit: 3,
          page,
        },
        rooms,
        {},
        '2026-01-01',
      ),
    );
    const answers = [
      ...pages.map((page) => (page.kind === 'success' ? page.body : page)),
      { result: 'success', data: { page: 1, limit: 50, total_count: 0, chat_list: [] } },
      { result: 'fail', code: -503, message: 'room' },
      { result: 'fail', code: '-501', message: 'token' },
    ];

    // Act
    const verdicts = compare(
      answers.map((value) => answer(JSON.stringify(value))),
      isRoomListResponse,
      RoomListResponseSchema,
    );

    // Assess
    expect(pages.map((page) => page.kind)).toEqual(['success', 'success', 'success']);
    expect(verdicts.disagreements).toEqual([]);
    expect(verdicts.accepted).toBe(answers.length);
  });

  it('accept and refuse alike every answer made by changing one node of a valid one', () => {
    // Prepare
    const answers = [
      ...valid,
      ...mutationsOf(valid),
      { result: 'success', data: { chat_list: [] } },
      { result: 'success', data: { total_count: 'many', chat_list: [] } },
      { result: 'success', data: [{ id: 'A' }] },
      { result: 'success', data: { total_count: 1, chat_list: [{ id: '' }] } },
      { result: 'success', data: { total_count: 1, chat_list: { id: 'A' } } },
    ];

    // Act
    const verdicts = compare(answers, isRoomListResponse, RoomListResponseSchema);

    // Assess
    expect(verdicts.disagreements).toEqual([]);
    expect(verdicts.accepted).toBeGreaterThan(50);
    expect(verdicts.refused).toBeGreaterThan(200);
  });
});
