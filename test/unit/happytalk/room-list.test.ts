import { describe, expect, it } from 'vitest';
import { StaticCredentialsProvider } from '../../../lib/credentials/provider.js';
import { ConfigurationError } from '../../../lib/errors.js';
import {
  HappyTalkAuthError,
  HappyTalkRedirectError,
  HappyTalkUnavailableError,
  OverDateError,
} from '../../../lib/happytalk/errors.js';
import {
  HappyTalkRoomListClient,
  type ListedRoom,
  listRooms,
  parseRoomList,
  type RoomListEvent,
  type RoomListPage,
  type RoomListQuery,
  type RoomListSource,
} from '../../../lib/happytalk/room-list.js';
import { addDays, daysBetween } from '../../../lib/shared/calendar.js';

const TOKEN = 'tok-SECRET-1234567890';
const encoder = new TextEncoder();

function bytes(value: unknown): Uint8Array {
  return encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
}

function listBody(rooms: Record<string, unknown>[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    result: 'success',
    data: { page: '1', limit: '50', total_count: String(rooms.length), chat_list: rooms, ...extra },
  });
}

function scriptedFetch(answers: (Response | Error)[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(input), init });
    const answer = answers.shift();
    if (!answer) throw new Error('no scripted answer left');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch: impl as typeof fetch, calls };
}

function client(fetchImpl: typeof fetch, clientId?: string): HappyTalkRoomListClient {
  return new HappyTalkRoomListClient({
    credentials: new StaticCredentialsProvider({
      token: TOKEN,
      ...(clientId ? { clientId, clientSecret: 'client-secret-xyz' } : {}),
    }),
    baseUrl: 'https://patch-customer.happytalk.io/',
    fetch: fetchImpl,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, totalBudgetMs: 10_000 },
  });
}

describe('parseRoomList', () => {
  it('reads page, limit and total_count given as strings, and keeps only the fields decisions need', () => {
    // Act
    const page = parseRoomList(
      bytes(
        listBody(
          [
            {
              id: 'room1',
              status: '2',
              reg_date: '2024-03-01 10:00:00',
              complate_date: '2024-03-01 10:20:00',
              users_id: 'minji88',
              last_message: '감사합니다',
            },
            { id: 42, status: 1, reg_date: '2024-03-01 11:00:00', complate_date: '0000-00-00 00:00:00' },
          ],
          { page: '2', total_count: '52' },
        ),
      ),
    );

    // Assess
    expect(page).toEqual({
      page: 2,
      limit: 50,
      totalCount: 52,
      rooms: [
        { roomId: 'room1', status: '2', regDate: '2024-03-01 10:00:00', completeDate: '2024-03-01 10:20:00' },
        { roomId: '42', status: '1', regDate: '2024-03-01 11:00:00', completeDate: '0000-00-00 00:00:00' },
      ],
    });
  });

  it.each([
    ['numbers', { result: 'success', data: { page: 1, limit: 50, total_count: 0, chat_list: [] } }],
    ['an empty data array (PHP)', { result: 'success', data: [] }],
    ['a null chat_list', { result: 'success', data: { total_count: 0, chat_list: null } }],
    ['fail -503 room (nothing matched)', { result: 'fail', code: -503, message: 'room' }],
  ])('reads an empty page from %s', (_case, body) => {
    // Act
    const page = parseRoomList(bytes(body));

    // Assess
    expect(page.rooms).toEqual([]);
    expect(page.totalCount).toBe(0);
  });

  it.each([
    [{ result: 'fail', code: -504, message: 'overDate' }, OverDateError],
    [{ result: 'fail', code: '-501', message: 'token' }, HappyTalkAuthError],
    [{ result: 'fail', code: -502, message: 'unAuthorized' }, HappyTalkAuthError],
    [{ result: 'fail', code: -599, message: 'new' }, HappyTalkUnavailableError],
    [{ result: 'success', data: { chat_list: [] } }, HappyTalkUnavailableError],
    [{ result: 'success', data: { total_count: 'many', chat_list: [] } }, HappyTalkUnavailableError],
    ['<html>maintenance</html>', HappyTalkUnavailableError],
  ])('classifies %j', (body, errorClass) => {
    // Act
    const act = () => parseRoomList(bytes(body));

    // Assess
    expect(act).toThrow(errorClass);
  });
});

describe('HappyTalkRoomListClient', () => {
  it('posts the range, filters and paging with the token and client credentials', async () => {
    // Prepare
    const { fetch, calls } = scriptedFetch([new Response(listBody([]), { status: 200 })]);

    // Act
    await client(fetch, 'client-1').listPage({
      from: '2024-03-01',
      to: '2024-03-07',
      status: 2,
      sortKey: 'complate_date',
      sortOrder: 'desc',
      limit: 20,
      page: 3,
    });

    // Assess
    expect(calls[0]?.url).toBe('https://patch-customer.happytalk.io/user/api/chat_room_lists/format/json');
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({
      token: TOKEN,
      sdate: '2024-03-01',
      edate: '2024-03-07',
      status: 2,
      sort_key: 'complate_date',
      sort_value: 'desc',
      limit: 20,
      page: 3,
    });
    expect(calls[0]?.init?.headers).toMatchObject({ 'HT-Client-Id': 'client-1' });
  });

  it('retries HTTP 5xx and connection errors like chat_data, then answers', async () => {
    // Prepare
    const { fetch, calls } = scriptedFetch([
      new Response('<html>502</html>', { status: 502 }),
      new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
      new Response(listBody([{ id: 'r1' }]), { status: 200 }),
    ]);

    // Act
    const page = await client(fetch).listPage({ from: '2024-03-01', to: '2024-03-01' });

    // Assess
    expect(calls).toHaveLength(3);
    expect(page).toMatchObject({ attempts: 3, rooms: [{ roomId: 'r1' }] });
  });

  it('never follows a redirect with the credentials, and names only its host', async () => {
    // Prepare
    const { fetch, calls } = scriptedFetch([
      new Response(null, { status: 308, headers: { location: 'http://127.0.0.2:8080/list?token=x' } }),
      new Response(listBody([{ id: 'r1' }]), { status: 200 }),
    ]);

    // Act
    const error = await client(fetch, 'client-1')
      .listPage({ from: '2024-03-01', to: '2024-03-01' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(HappyTalkRedirectError);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.init?.redirect).toBe('manual');
    expect((error as Error).message).toBe(
      'HappyTalk answered HTTP 308 for the room list 2024-03-01..2024-03-01 page 1, redirecting to host 127.0.0.2:8080: ' +
        'redirects are not followed, since the request carries the credentials; check the base URL',
    );
  });

  it.each([
    [{ result: 'success', data: { chat_list: [] } }, 'data: invalid_union'],
    [{ result: 'success', data: { total_count: 'many', chat_list: [] } }, 'data.total_count: invalid_format'],
    [
      { result: 'success', data: { total_count: 1, chat_list: [{ id: '' }] } },
      'data.chat_list.0.id: too_small',
    ],
    [{ result: 'fail', code: true }, 'code: invalid_union'],
  ])(
    'names what is wrong with %j as parseRoomList does (%s), the schema loaded on first use',
    async (answer, issue) => {
      // Prepare
      const body = JSON.stringify(answer);
      const { fetch, calls } = scriptedFetch([1, 2, 3].map(() => new Response(body, { status: 200 })));
      const subject = 'the room list 2024-03-01..2024-03-07 page 1';

      // Act
      const error = await client(fetch)
        .listPage({ from: '2024-03-01', to: '2024-03-07' })
        .then(
          () => new Error('answered'),
          (caught: unknown) => caught as Error,
        );

      // Assess
      expect(error).toBeInstanceOf(HappyTalkUnavailableError);
      expect(error.message).toBe(
        `HappyTalk answered ${subject} with JSON that is not the documented shape (${issue})`,
      );
      expect(() => parseRoomList(bytes(body), subject)).toThrow(error.message);
      expect(calls).toHaveLength(3);
    },
  );

  it('describes an undocumented fail message by its length only', async () => {
    // Prepare
    const { fetch } = scriptedFetch([
      new Response(JSON.stringify({ result: 'fail', code: -501, message: `bad ${TOKEN}` }), { status: 200 }),
    ]);

    // Act
    const error = await client(fetch)
      .listPage({ from: '2024-03-01', to: '2024-03-01' })
      .catch((caught: unknown) => caught);

    // Assess: the echoed token is refused before the message is even read
    expect((error as Error).name).toBe('HappyTalkEchoError');
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });

  it('does not retry overDate, and never puts the token in a message', async () => {
    // Prepare
    const { fetch, calls } = scriptedFetch([
      new Response(JSON.stringify({ result: 'fail', code: -504, message: 'overDate' }), { status: 200 }),
    ]);

    // Act
    const error = await client(fetch)
      .listPage({ from: '2020-01-01', to: '2024-12-31' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(OverDateError);
    expect(calls).toHaveLength(1);
    expect(String((error as Error).message)).toContain('2020-01-01..2024-12-31');
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });

  it.each<[string, RoomListQuery]>([
    ['a limit over 50', { from: '2024-03-01', to: '2024-03-01', limit: 51 }],
    ['a page 0', { from: '2024-03-01', to: '2024-03-01', page: 0 }],
    ['an impossible date', { from: '2024-02-30', to: '2024-03-01' }],
    ['a reversed range', { from: '2024-03-02', to: '2024-03-01' }],
  ])('refuses %s before any request', async (_case, query) => {
    // Prepare
    const { fetch, calls } = scriptedFetch([]);

    // Act
    const act = client(fetch).listPage(query);

    // Assess
    await expect(act).rejects.toThrow(ConfigurationError);
    expect(calls).toEqual([]);
  });
});

/** A room list over fixed rooms (one per day given), refusing windows longer than `maxDays`. */
function fakeSource(rooms: { id: string; day: string }[], maxDays: number, refusedDays: string[] = []) {
  const queries: RoomListQuery[] = [];
  const source: RoomListSource = {
    async listPage(query): Promise<RoomListPage> {
      queries.push(query);
      const span = daysBetween(query.from, query.to);
      if (span > maxDays || refusedDays.some((day) => day >= query.from && day <= query.to)) {
        throw new OverDateError('overDate');
      }
      const limit = query.limit ?? 50;
      const page = query.page ?? 1;
      const matching = rooms.filter((room) => room.day >= query.from && room.day <= query.to);
      return {
        page,
        limit,
        totalCount: matching.length,
        attempts: 1,
        rooms: matching.slice((page - 1) * limit, page * limit).map(
          (room): ListedRoom => ({
            roomId: room.id,
            status: '2',
            regDate: `${room.day} 10:00:00`,
            completeDate: `${room.day} 10:30:00`,
          }),
        ),
      };
    },
  };
  return { source, queries };
}

async function collect(events: AsyncIterable<RoomListEvent>): Promise<RoomListEvent[]> {
  const all: RoomListEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('listRooms', () => {
  const month = Array.from({ length: 30 }, (_, index) => addDays('2024-04-01', index));
  const rooms = month.flatMap((day) => [0, 1, 2].map((n) => ({ id: `${day}-${n}`, day })));

  it('halves a refused window until HappyTalk answers, and keeps the smaller size for the rest', async () => {
    // Prepare
    const { source, queries } = fakeSource(rooms, 7);

    // Act
    const events = await collect(listRooms(source, { from: '2024-04-01', to: '2024-04-30', pageSize: 10 }));

    // Assess
    const listed = events.flatMap((event) =>
      event.kind === 'rooms' ? event.rooms.map((room) => room.roomId) : [],
    );
    expect(listed).toEqual(rooms.map((room) => room.id));
    expect(
      events
        .filter((event) => event.kind === 'split')
        .map((event) => event.kind === 'split' && event.windowDays),
    ).toEqual([15, 8, 4]);
    const answered = queries.filter((query) => daysBetween(query.from, query.to) <= 7);
    expect(answered.every((query) => daysBetween(query.from, query.to) <= 4)).toBe(true);
    expect(queries.filter((query) => query.page === 2).length).toBeGreaterThan(0);
  });

  it('reports a single day HappyTalk still refuses, and lists the other days', async () => {
    // Prepare
    const { source } = fakeSource(rooms, 31, ['2024-04-03']);

    // Act
    const events = await collect(listRooms(source, { from: '2024-04-01', to: '2024-04-05' }));

    // Assess
    expect(
      events
        .filter((event) => event.kind === 'window-failed')
        .map((event) => event.kind === 'window-failed' && event.window),
    ).toEqual([{ from: '2024-04-03', to: '2024-04-03' }]);
    const listed = events.flatMap((event) =>
      event.kind === 'rooms' ? event.rooms.map((room) => room.roomId) : [],
    );
    expect(listed.sort()).toEqual(
      rooms
        .filter((room) => room.day <= '2024-04-05' && room.day !== '2024-04-03')
        .map((room) => room.id)
        .sort(),
    );
  });

  it('lists each room once, even when pages shift while listing', async () => {
    // Prepare: every page repeats the last room of the page before
    const pages = [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
    ];
    const source: RoomListSource = {
      listPage: async (query) => ({
        page: query.page ?? 1,
        limit: 2,
        totalCount: 6,
        attempts: 1,
        rooms: (pages[(query.page ?? 1) - 1] ?? []).map((roomId) => ({
          roomId,
          status: '2',
          regDate: null,
          completeDate: null,
        })),
      }),
    };

    // Act
    const events = await collect(listRooms(source, { from: '2024-04-01', to: '2024-04-01', pageSize: 2 }));

    // Assess
    expect(
      events.flatMap((event) => (event.kind === 'rooms' ? event.rooms.map((room) => room.roomId) : [])),
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ends a window where endWindow says, and goes on with the next window', async () => {
    // Prepare: 2-day windows of 6 rooms, 2 a page
    const { source, queries } = fakeSource(rooms, 2);
    const seen: string[][] = [];

    // Act
    const events = await collect(
      listRooms(source, {
        from: '2024-04-01',
        to: '2024-04-04',
        pageSize: 2,
        endWindow: (page) => {
          seen.push(page.map((room) => room.roomId));
          return page.some((room) => room.roomId.endsWith('-2'));
        },
      }),
    );

    // Assess: each window stops at the page holding its first "-2" room
    const listed = events.flatMap((event) =>
      event.kind === 'rooms' ? event.rooms.map((room) => room.roomId) : [],
    );
    expect(listed).toEqual([
      '2024-04-01-0',
      '2024-04-01-1',
      '2024-04-01-2',
      '2024-04-02-0',
      '2024-04-03-0',
      '2024-04-03-1',
      '2024-04-03-2',
      '2024-04-04-0',
    ]);
    expect(
      queries.filter((query) => daysBetween(query.from, query.to) === 2).map((query) => query.page),
    ).toEqual([1, 2, 1, 2]);
    expect(seen).toHaveLength(4);
  });
});
