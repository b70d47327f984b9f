import { describe, expect, it } from 'vitest';
import type { RawMessage } from '../../../lib/happytalk/schema.js';
import { InvalidTimeZoneError } from '../../../lib/transcript/errors.js';
import { normalizeRoom } from '../../../lib/transcript/normalize.js';
import { TranscriptSchema } from '../../../lib/transcript/schema.js';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import {
  messageById,
  normalize,
  rawChat,
  rawMessage,
  rawRoom,
  SOURCE,
  warningsAt,
  without,
} from './builders.js';

const BUTTON_CONTENTS = JSON.stringify({
  text: '배송 조회는 아래 버튼을 눌러 주세요',
  link: { name: ['배송 조회', '문의하기'], url: ['http://example.com/track', 'http://example.com/ask'] },
  image_url: 'https://cdn.happytalk.io/data/button.png',
});

describe('normalizeRoom', () => {
  describe('output shape', () => {
    it('writes the keys in the order of the contract', () => {
      // Prepare
      const room = rawRoom();

      // Act
      const transcript = normalize(room);

      // Assess
      const message = transcript.messages[0] ?? {};
      expect(Object.keys(transcript)).toEqual([
        'schema_version',
        'room_id',
        'chat',
        'messages',
        'stats',
        'warnings',
        'source',
      ]);
      expect(Object.keys(transcript.chat)).toEqual([
        'id',
        'title',
        'status',
        'channel',
        'counselor',
        'customer',
        'category',
        'division',
        'subcategory',
        'registered_at',
        'completed_at',
        'order',
        'device',
        'parameters',
        'rating',
        'tags',
        'extra',
      ]);
      expect(Object.keys(transcript.chat.counselor)).toEqual(['name', 'nickname']);
      expect(Object.keys(transcript.chat.customer)).toEqual(['uuid', 'user_id']);
      expect(Object.keys(transcript.chat.category)).toEqual(['id', 'name']);
      expect(Object.keys(transcript.chat.division)).toEqual(['id', 'name']);
      expect(Object.keys(transcript.chat.order)).toEqual([
        'order_number',
        'product_number',
        'parcel_number',
        'parcel_company',
      ]);
      expect(Object.keys(transcript.chat.device)).toEqual([
        'app_version',
        'os',
        'os_version',
        'model',
        'telecom',
        'app_hash',
      ]);
      expect(Object.keys(transcript.chat.rating)).toEqual(['score', 'comment']);
      expect(Object.keys(transcript.chat.status ?? {})).toEqual(['code', 'label', 'name']);
      expect(Object.keys(message)).toEqual([
        'id',
        'from_id',
        'to_id',
        'type',
        'sender',
        'content_type',
        'text',
        'image_url',
        'links',
        'buttons',
        'contents',
        'sent_at',
        'read_at',
        'extra',
      ]);
      expect(Object.keys(transcript.stats)).toEqual([
        'message_count',
        'by_sender',
        'first_message_at',
        'last_message_at',
        'duration_seconds',
      ]);
      expect(Object.keys(transcript.source)).toEqual([
        'endpoint',
        'fetched_at',
        'sha256',
        'archiver_version',
      ]);
    });

    it('produces a transcript the schema accepts, without warnings for a clean room', () => {
      // Prepare
      const room = rawRoom();

      // Act
      const transcript = normalize(room);

      // Assess
      expect(TranscriptSchema.parse(transcript)).toEqual(transcript);
      expect(transcript.warnings).toEqual([]);
      expect(transcript.schema_version).toBe(1);
    });

    it('records the source, fetched_at in UTC with Z and the archiver version', () => {
      // Prepare
      const room = rawRoom();

      // Act
      const byDefault = normalize(room);
      const pinned = normalizeRoom(room, { ...SOURCE, archiverVersion: '9.9.9' });

      // Assess
      expect(byDefault.source).toEqual({
        endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
        fetched_at: '2022-05-26T01:31:07.250Z',
        sha256: 'ab'.repeat(32),
        archiver_version: ARCHIVER_VERSION,
      });
      expect(pinned.source.archiver_version).toBe('9.9.9');
    });

    it("takes room_id from the options, else from the chat's id", () => {
      // Prepare
      const room = rawRoom({ chat: rawChat({ id: 4242 }) });

      // Act
      const fromChat = normalize(room);
      const fromOptions = normalize(room, { roomId: 'given' });

      // Assess
      expect(fromChat.room_id).toBe('4242');
      expect(fromChat.chat.id).toBe('4242');
      expect(fromOptions.room_id).toBe('given');
      expect(fromOptions.chat.id).toBe('4242');
    });
  });

  describe('chat fields', () => {
    it('maps every documented chat field to its place', () => {
      // Prepare
      const chat = rawChat({
        etc_assign: '소분류',
        order_number: 'O-1',
        product_number: 'P-1',
        parcel_number: '6080',
        parcel_companycode: '4',
        app_ver: '3.2.1',
        phone_os: 'A',
        phone_osver: '14',
        phone_model: 'SM-G991N',
        phone_telecomm: 'SKT',
        app_hash: 'hash',
        vote_score: '5',
        vote_comment: '친절해요',
      });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat).toEqual({
        id: 'uvR3XrI8jtybTq6ZfploAOxJcKNLCG',
        title: '1:1 채팅 상담 문의 드립니다.',
        status: { code: '2', label: '완료', name: 'completed' },
        channel: { code: '0', label: '해피톡', name: 'happytalk' },
        counselor: { name: 'test-lc', nickname: 'test-lc' },
        customer: { uuid: '1000225570_testuser', user_id: 'testuser' },
        category: { id: '75345', name: '상품문의(샘플)' },
        division: { id: '75346', name: '일반상담(샘플)' },
        subcategory: '소분류',
        registered_at: '2022-05-26T10:26:31+09:00',
        completed_at: '2022-05-26T10:31:06+09:00',
        order: {
          order_number: 'O-1',
          product_number: 'P-1',
          parcel_number: '6080',
          parcel_company: { code: '4', label: '대한통운', name: 'cj_logistics' },
        },
        device: {
          app_version: '3.2.1',
          os: { code: 'A', label: '안드로이드', name: 'android' },
          os_version: '14',
          model: 'SM-G991N',
          telecom: 'SKT',
          app_hash: 'hash',
        },
        parameters: [null, null, null, null, null, null, null, null, null, null],
        rating: { score: 5, comment: '친절해요' },
        tags: null,
        extra: {},
      });
      expect(transcript.warnings).toEqual([]);
    });

    it('turns empty strings, null and "0000-00-00 00:00:00" into null without warnings', () => {
      // Prepare
      const chat = rawChat({
        title: '',
        users_id: null,
        complate_date: '0000-00-00 00:00:00',
        cate_name1: '',
      });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.title).toBeNull();
      expect(transcript.chat.customer.user_id).toBeNull();
      expect(transcript.chat.category.name).toBeNull();
      expect(transcript.chat.completed_at).toBeNull();
      expect(transcript.stats.duration_seconds).toBeNull();
      expect(transcript.warnings).toEqual([]);
    });

    it('reads an absent documented field as null', () => {
      // Prepare
      const chat = without(without(rawChat(), 'title'), 'parameter3');

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.title).toBeNull();
      expect(transcript.chat.parameters[2]).toBeNull();
      expect(transcript.warnings).toEqual([]);
    });

    it('stringifies numbers where the spec documents strings, without warnings', () => {
      // Prepare
      const chat = rawChat({
        category_id: 75345,
        division_id: 0,
        status: 2,
        out_api: 1,
        parcel_companycode: 4,
      });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.category.id).toBe('75345');
      expect(transcript.chat.division.id).toBe('0');
      expect(transcript.chat.status).toEqual({ code: '2', label: '완료', name: 'completed' });
      expect(transcript.chat.channel).toEqual({ code: '1', label: '네이버 톡톡', name: 'naver_talktalk' });
      expect(transcript.chat.order.parcel_company?.name).toBe('cj_logistics');
      expect(transcript.warnings).toEqual([]);
    });

    it('turns objects, arrays and booleans where a string is documented into null with a warning', () => {
      // Prepare
      const chat = rawChat({
        title: { ko: '제목' },
        counselor_name: ['a', 'b'],
        users_id: true,
        status: { code: 2 },
      });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.title).toBeNull();
      expect(transcript.chat.counselor.name).toBeNull();
      expect(transcript.chat.customer.user_id).toBeNull();
      expect(transcript.chat.status).toBeNull();
      expect(transcript.warnings.map(({ path, value }) => ({ path, value }))).toEqual([
        { path: 'chat.title', value: { ko: '제목' } },
        { path: 'chat.status', value: { code: 2 } },
        { path: 'chat.counselor_name', value: ['a', 'b'] },
        { path: 'chat.users_id', value: true },
      ]);
    });

    it('keeps an unknown code, with null label and name, and warns', () => {
      // Prepare
      const chat = rawChat({ parcel_companycode: 'W', phone_os: 'X', status: '9' });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.order.parcel_company).toEqual({ code: 'W', label: null, name: null });
      expect(transcript.chat.device.os).toEqual({ code: 'X', label: null, name: null });
      expect(transcript.chat.status).toEqual({ code: '9', label: null, name: null });
      expect(transcript.warnings).toEqual([
        { path: 'chat.status', value: '9', reason: "unknown status code (not in the spec's table)" },
        {
          path: 'chat.parcel_companycode',
          value: 'W',
          reason: "unknown parcel_companycode code (not in the spec's table)",
        },
        { path: 'chat.phone_os', value: 'X', reason: "unknown phone_os code (not in the spec's table)" },
      ]);
    });

    it.each([
      ['absent', undefined],
      ['null', null],
      ['empty', ''],
    ])('turns a %s status or channel into null with a warning', (_case, value) => {
      // Prepare
      const chat = rawChat({ status: value, out_api: value });

      // Act
      const transcript = normalize(
        rawRoom({ chat: value === undefined ? without(without(chat, 'status'), 'out_api') : chat }),
      );

      // Assess
      expect(transcript.chat.status).toBeNull();
      expect(transcript.chat.channel).toBeNull();
      expect(transcript.warnings).toEqual([
        { path: 'chat.status', value: value ?? null, reason: 'missing status' },
        { path: 'chat.out_api', value: value ?? null, reason: 'missing out_api' },
      ]);
    });

    it('turns an empty parcel company or phone OS into null without a warning', () => {
      // Prepare
      const chat = rawChat({ parcel_companycode: '', phone_os: null });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.order.parcel_company).toBeNull();
      expect(transcript.chat.device.os).toBeNull();
      expect(transcript.warnings).toEqual([]);
    });

    it.each([
      ['5', 5],
      ['4.5', 4.5],
      ['0', 0],
      ['-1', -1],
      [3, 3],
      ['', null],
      [null, null],
    ])('reads vote_score %j as %j without a warning', (voteScore, score) => {
      // Prepare
      const chat = rawChat({ vote_score: voteScore });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.rating.score).toBe(score);
      expect(transcript.warnings).toEqual([]);
    });

    it.each([['abc'], ['5점'], [' 5'], ['1e3'], [true], [{ score: 5 }]])(
      'turns vote_score %j into null with a warning',
      (voteScore) => {
        // Prepare
        const chat = rawChat({ vote_score: voteScore });

        // Act
        const transcript = normalize(rawRoom({ chat }));

        // Assess
        expect(transcript.chat.rating.score).toBeNull();
        expect(warningsAt(transcript, 'chat.vote_score')).toEqual([
          { path: 'chat.vote_score', value: voteScore },
        ]);
      },
    );

    it('lists parameter1 to parameter10 in order', () => {
      // Prepare
      const parameters = Object.fromEntries(
        Array.from({ length: 10 }, (_, index) => [`parameter${index + 1}`, `p${index + 1}`]),
      );
      const chat = rawChat({ ...parameters, parameter4: '', parameter7: 77 });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.parameters).toEqual([
        'p1',
        'p2',
        'p3',
        null,
        'p5',
        'p6',
        '77',
        'p8',
        'p9',
        'p10',
      ]);
    });

    it('keeps every chat field the spec does not name under extra, verbatim and without warnings', () => {
      // Prepare
      const chat = rawChat({
        tags: ['vip', '재문의'],
        user_parameter: { grade: 'gold', points: 1200 },
        parameter11: 'eleven',
        memo: null,
      });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.extra).toEqual({
        tags: ['vip', '재문의'],
        user_parameter: { grade: 'gold', points: 1200 },
        parameter11: 'eleven',
        memo: null,
      });
      expect(transcript.warnings).toEqual([]);
    });

    it('keeps a "__proto__" field as a plain extra field', () => {
      // Prepare
      const chat = { ...rawChat(), ...JSON.parse('{"__proto__": {"polluted": true}}') };

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(Object.getPrototypeOf(transcript.chat.extra)).toBe(Object.prototype);
      expect(Object.hasOwn(transcript.chat.extra, '__proto__')).toBe(true);
      expect(JSON.stringify(transcript.chat.extra)).toBe('{"__proto__":{"polluted":true}}');
    });

    it('turns a datetime that does not parse into null with a warning carrying the raw value', () => {
      // Prepare
      const chat = rawChat({ reg_date: '2022-13-45 99:00:00', complate_date: 'yesterday' });

      // Act
      const transcript = normalize(rawRoom({ chat }));

      // Assess
      expect(transcript.chat.registered_at).toBeNull();
      expect(transcript.chat.completed_at).toBeNull();
      expect(transcript.warnings).toEqual([
        {
          path: 'chat.reg_date',
          value: '2022-13-45 99:00:00',
          reason: 'not a valid datetime (expected Y-m-d H:i:s)',
        },
        {
          path: 'chat.complate_date',
          value: 'yesterday',
          reason: 'not a valid datetime (expected Y-m-d H:i:s)',
        },
      ]);
    });
  });

  describe('time zone', () => {
    it('writes Seoul times with +09:00 by default', () => {
      // Prepare
      const room = rawRoom();

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.chat.registered_at).toBe('2022-05-26T10:26:31+09:00');
      expect(transcript.messages[0]?.sent_at).toBe('2022-05-26T10:30:00+09:00');
    });

    it("uses the configured zone's offset for each time, summer and winter", () => {
      // Prepare
      const chat = rawChat({ reg_date: '2024-01-15 09:00:00', complate_date: '2024-07-01 09:00:00' });

      // Act
      const transcript = normalize(rawRoom({ chat }), { timeZone: 'America/New_York' });

      // Assess
      expect(transcript.chat.registered_at).toBe('2024-01-15T09:00:00-05:00');
      expect(transcript.chat.completed_at).toBe('2024-07-01T09:00:00-04:00');
      expect(transcript.stats.duration_seconds).toBe(
        (Date.UTC(2024, 6, 1, 13) - Date.UTC(2024, 0, 15, 14)) / 1000,
      );
    });

    it('measures durations across a DST change in real seconds', () => {
      // Prepare: 01:00 to 04:00 local on the spring-forward night is two hours.
      const chat = rawChat({ reg_date: '2024-03-10 01:00:00', complate_date: '2024-03-10 04:00:00' });

      // Act
      const transcript = normalize(rawRoom({ chat }), { timeZone: 'America/New_York' });

      // Assess
      expect(transcript.stats.duration_seconds).toBe(7200);
    });

    it('rejects an unknown zone', () => {
      // Act
      const run = () => normalize(rawRoom(), { timeZone: 'Mars/Base' });

      // Assess
      expect(run).toThrow(InvalidTimeZoneError);
      expect(run).toThrow('invalid time zone: "Mars/Base"');
    });
  });

  describe('messages', () => {
    it('maps every documented message field to its place', () => {
      // Prepare
      const room = rawRoom({ message: [rawMessage({ user_type: 'H', type: 'M', id: 17 })] });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages).toEqual([
        {
          id: '17',
          from_id: '1000225570_testuser',
          to_id: 'test-lc',
          type: { code: 'M', label: '메모', name: 'memo' },
          sender: { code: 'H', label: '상담원', name: 'counselor' },
          content_type: { code: 'text', label: '단순 글자', name: 'text' },
          text: '안녕하세요',
          image_url: null,
          links: [],
          buttons: [],
          contents: '안녕하세요',
          sent_at: '2022-05-26T10:30:00+09:00',
          read_at: '2022-05-26T10:30:05+09:00',
          extra: {},
        },
      ]);
    });

    it.each(['type', 'user_type', 'contents_type'])(
      'turns a missing %s into null with a warning',
      (field) => {
        // Prepare
        const room = rawRoom({
          message: [
            rawMessage({ id: '1' }),
            without(rawMessage({ id: '2' }), field),
            rawMessage({ id: '3', [field]: '' }),
          ],
        });

        // Act
        const transcript = normalize(room);

        // Assess
        const key = { type: 'type', user_type: 'sender', contents_type: 'content_type' }[field] ?? field;
        expect(transcript.messages.map((message) => message[key] === null)).toEqual([false, true, true]);
        expect(transcript.warnings).toEqual([
          { path: `message[1].${field}`, value: null, reason: `missing ${field}` },
          { path: `message[2].${field}`, value: '', reason: `missing ${field}` },
        ]);
      },
    );

    it('keeps an unknown sender code and counts it under the raw code', () => {
      // Prepare
      const room = rawRoom({
        message: [rawMessage({ id: '1', user_type: 'Z' }), rawMessage({ id: '2', user_type: 'Q' })],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(messageById(transcript, '1').sender).toEqual({ code: 'Z', label: null, name: null });
      expect(messageById(transcript, '2').sender).toEqual({
        code: 'Q',
        label: '템플릿 질문',
        name: 'template_question',
      });
      expect(transcript.stats.by_sender).toEqual({ Z: 1, template_question: 1 });
      expect(warningsAt(transcript, 'message[0].user_type')).toEqual([
        { path: 'message[0].user_type', value: 'Z' },
      ]);
    });

    it('keeps every message field the spec does not name under extra', () => {
      // Prepare
      const room = rawRoom({
        message: [rawMessage({ template_id: 'T-1', attachments: [{ name: 'a.pdf' }] })],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages[0]?.extra).toEqual({ template_id: 'T-1', attachments: [{ name: 'a.pdf' }] });
      expect(transcript.warnings).toEqual([]);
    });

    it('stringifies numeric ids and texts, and warns about contents that are not a string', () => {
      // Prepare
      const room = rawRoom({
        message: [
          rawMessage({ id: 5, from_id: 1000, contents: 42 }),
          rawMessage({ id: 6, contents: { text: 'x' } }),
        ],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(messageById(transcript, '5')).toMatchObject({ from_id: '1000', contents: '42', text: '42' });
      expect(messageById(transcript, '6')).toMatchObject({ contents: null, text: null });
      expect(transcript.warnings.map(({ path, value }) => ({ path, value }))).toEqual([
        { path: 'message[1].contents', value: { text: 'x' } },
      ]);
    });

    it('turns bad message datetimes into null with a warning', () => {
      // Prepare
      const room = rawRoom({
        message: [rawMessage({ send_date: '2022-02-30 10:00:00', read_date: 1653528391 })],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages[0]).toMatchObject({ sent_at: null, read_at: null });
      expect(transcript.warnings.map(({ path, value }) => ({ path, value }))).toEqual([
        { path: 'message[0].send_date', value: '2022-02-30 10:00:00' },
        { path: 'message[0].read_date', value: 1653528391 },
      ]);
    });

    it('keeps an unread message: an empty read_date is null without a warning', () => {
      // Prepare
      const room = rawRoom({
        message: [rawMessage({ read_date: '' }), rawMessage({ id: '2', read_date: null })],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages.map((message) => message.read_at)).toEqual([null, null]);
      expect(transcript.warnings).toEqual([]);
    });
  });

  describe('contents', () => {
    it('reads an image message: image_url is the contents, text is null', () => {
      // Prepare
      const url = 'https://patch-customer.happytalk.io/data/chat_data/2022_03_25/abc_w.png';
      const room = rawRoom({ message: [rawMessage({ contents_type: 'image', contents: url })] });

      // Act
      const [message] = normalize(room).messages;

      // Assess
      expect(message).toMatchObject({
        content_type: { code: 'image', label: '이미지 파일', name: 'image' },
        text: null,
        image_url: url,
        links: [],
        contents: url,
      });
    });

    it.each(['nomal', 'normal', 'template'])(
      'reads a %s message: text, image_url and the links of parallel name/url lists',
      (contentType) => {
        // Prepare
        const room = rawRoom({
          message: [rawMessage({ contents_type: contentType, contents: BUTTON_CONTENTS })],
        });

        // Act
        const transcript = normalize(room);

        // Assess
        expect(transcript.messages[0]).toMatchObject({
          text: '배송 조회는 아래 버튼을 눌러 주세요',
          image_url: 'https://cdn.happytalk.io/data/button.png',
          links: [
            { name: '배송 조회', url: 'http://example.com/track' },
            { name: '문의하기', url: 'http://example.com/ask' },
          ],
          contents: BUTTON_CONTENTS,
        });
        expect(transcript.messages[0]?.content_type?.name).toBe(
          contentType === 'template' ? 'template' : 'button',
        );
        expect(transcript.warnings).toEqual([]);
      },
    );

    it('reads links given as a list of {name, url}, leaving out entries without a url', () => {
      // Prepare
      const contents = JSON.stringify({
        text: '선택하세요',
        link: [
          { name: '하나', url: 'http://one' },
          { name: '둘' },
          { url: 'http://three' },
          'http://four',
          null,
        ],
      });
      const room = rawRoom({ message: [rawMessage({ contents_type: 'template', contents })] });

      // Act
      const [message] = normalize(room).messages;

      // Assess
      expect(message).toMatchObject({
        text: '선택하세요',
        image_url: null,
        links: [
          { name: '하나', url: 'http://one' },
          { name: null, url: 'http://three' },
        ],
      });
    });

    it('reads a link whose name and url are plain strings', () => {
      // Prepare
      const contents = JSON.stringify({ text: '보기', link: { name: '열기', url: 'http://open' } });
      const room = rawRoom({ message: [rawMessage({ contents_type: 'normal', contents })] });

      // Act
      const [message] = normalize(room).messages;

      // Assess
      expect(message?.links).toEqual([{ name: '열기', url: 'http://open' }]);
    });

    it('leaves out link urls that are empty and names a url without name as null', () => {
      // Prepare
      const contents = JSON.stringify({ link: { name: ['a'], url: ['', 'http://b'] } });
      const room = rawRoom({ message: [rawMessage({ contents_type: 'nomal', contents })] });

      // Act
      const [message] = normalize(room).messages;

      // Assess
      expect(message).toMatchObject({
        text: null,
        image_url: null,
        links: [{ name: null, url: 'http://b' }],
      });
    });

    it.each([
      ['broken JSON', '{"text": "끊긴'],
      ['a JSON array', '[{"text":"x"}]'],
      ['a JSON string', '"just text"'],
      ['JSON null', 'null'],
    ])('turns button contents that are %s into null text, no links and a warning', (_case, contents) => {
      // Prepare
      const room = rawRoom({ message: [rawMessage({ contents_type: 'normal', contents })] });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages[0]).toMatchObject({ text: null, image_url: null, links: [], contents });
      expect(warningsAt(transcript, 'message[0].contents')).toEqual([
        { path: 'message[0].contents', value: contents },
      ]);
    });

    it('reads an unknown content type as text, keeping the code and warning', () => {
      // Prepare
      const room = rawRoom({
        message: [rawMessage({ contents_type: 'video', contents: 'https://v/1.mp4' })],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages[0]).toMatchObject({
        content_type: { code: 'video', label: null, name: null },
        text: 'https://v/1.mp4',
        image_url: null,
        links: [],
        contents: 'https://v/1.mp4',
      });
      expect(warningsAt(transcript, 'message[0].contents_type')).toEqual([
        { path: 'message[0].contents_type', value: 'video' },
      ]);
    });

    it('keeps empty contents as null for every content type', () => {
      // Prepare
      const room = rawRoom({
        message: ['text', 'image', 'normal', 'template'].map((contentType, index) =>
          rawMessage({ id: String(index + 1), contents_type: contentType, contents: '' }),
        ),
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(
        transcript.messages.map(({ text, image_url, links, contents }) => [text, image_url, links, contents]),
      ).toEqual([
        [null, null, [], null],
        [null, null, [], null],
        [null, null, [], null],
        [null, null, [], null],
      ]);
      expect(transcript.warnings).toEqual([]);
    });

    it('keeps text contents verbatim: emoji, newlines and escapes', () => {
      // Prepare
      const contents = JSON.parse('"줄1\\n줄2 😀 \\u0041 \\"q\\""');
      const room = rawRoom({ message: [rawMessage({ contents })] });

      // Act
      const [message] = normalize(room).messages;

      // Assess
      expect(message?.contents).toBe('줄1\n줄2 😀 A "q"');
      expect(message?.text).toBe('줄1\n줄2 😀 A "q"');
    });
  });

  describe('order and duplicates', () => {
    it('orders messages by sent_at, then by id, numerically when both are digits', () => {
      // Prepare
      const at = (time: string) => `2022-05-26 ${time}`;
      const room = rawRoom({
        message: [
          rawMessage({ id: '10', send_date: at('10:00:01') }),
          rawMessage({ id: '9', send_date: at('10:00:01') }),
          rawMessage({ id: '100', send_date: at('09:59:59') }),
          rawMessage({ id: 'b', send_date: at('10:00:01') }),
          rawMessage({ id: 'a', send_date: at('10:00:01') }),
          rawMessage({ id: '0011', send_date: at('10:00:01') }),
        ],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages.map((message) => message.id)).toEqual(['100', '9', '10', '0011', 'a', 'b']);
    });

    it('orders ids longer than a safe integer by their digits', () => {
      // Prepare
      const room = rawRoom({
        message: [
          rawMessage({ id: '90071992547409931', send_date: '' }),
          rawMessage({ id: '90071992547409930', send_date: '' }),
          rawMessage({ id: '9007199254740993', send_date: '' }),
        ],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages.map((message) => message.id)).toEqual([
        '9007199254740993',
        '90071992547409930',
        '90071992547409931',
      ]);
    });

    it('puts messages without a usable sent_at last, ordered by id, and keeps first/last from the others', () => {
      // Prepare
      const room = rawRoom({
        message: [
          rawMessage({ id: '3', send_date: '' }),
          rawMessage({ id: '4', send_date: '2022-05-26 10:31:00' }),
          rawMessage({ id: '2', send_date: 'garbage' }),
          rawMessage({ id: '5', send_date: '2022-05-26 10:29:00' }),
        ],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages.map((message) => message.id)).toEqual(['5', '4', '2', '3']);
      expect(transcript.stats.first_message_at).toBe('2022-05-26T10:29:00+09:00');
      expect(transcript.stats.last_message_at).toBe('2022-05-26T10:31:00+09:00');
    });

    it('orders by the instant across a DST change', () => {
      // Prepare: 01:30 EDT, then 01:10 and 02:10 EST once the clocks fell back.
      const room = rawRoom({
        message: [
          rawMessage({ id: '3', send_date: '2024-11-03 02:10:00' }),
          rawMessage({ id: '1', send_date: '2024-11-03 00:50:00' }),
          rawMessage({ id: '2', send_date: '2024-11-03 01:30:00' }),
        ],
      });

      // Act
      const transcript = normalize(room, { timeZone: 'America/New_York' });

      // Assess
      expect(transcript.messages.map((message) => [message.id, message.sent_at])).toEqual([
        ['1', '2024-11-03T00:50:00-04:00'],
        ['2', '2024-11-03T01:30:00-04:00'],
        ['3', '2024-11-03T02:10:00-05:00'],
      ]);
    });

    it('keeps the raw order of messages with the same sent_at and id', () => {
      // Prepare: same id, so only the first is kept; same keys otherwise keep their order.
      const room = rawRoom({
        message: [
          rawMessage({ id: 'x', contents: 'first' }),
          rawMessage({ id: 'y', contents: 'second' }),
          rawMessage({ id: 'x', contents: 'third' }),
        ],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages.map((message) => message.contents)).toEqual(['first', 'second']);
    });

    it('keeps the first occurrence of a repeated id and names the dropped message in a warning', () => {
      // Prepare
      const duplicate = rawMessage({ id: '7', contents: '두번째' });
      const room = rawRoom({
        message: [rawMessage({ id: '7', contents: '첫번째' }), rawMessage({ id: '8' }), duplicate],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages.map((message) => [message.id, message.contents])).toEqual([
        ['7', '첫번째'],
        ['8', '안녕하세요'],
      ]);
      expect(transcript.stats.message_count).toBe(2);
      expect(transcript.warnings).toEqual([
        {
          path: 'message[2]',
          value: duplicate,
          reason: 'duplicate message id 7; the first occurrence is kept',
        },
      ]);
    });

    it('detects a repeated id after the ids stopped increasing', () => {
      // Prepare
      const room = rawRoom({
        message: ['1', '3', '2', '3', '1'].map((id, index) => rawMessage({ id, contents: `#${index}` })),
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages.map((message) => message.contents)).toEqual(['#0', '#2', '#1']);
      expect(transcript.warnings.map((warning) => warning.path)).toEqual(['message[3]', 'message[4]']);
    });

    it('treats a numeric id and the same digits as a string as the same id', () => {
      // Prepare
      const room = rawRoom({ message: [rawMessage({ id: 12 }), rawMessage({ id: '12' })] });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages).toHaveLength(1);
      expect(transcript.warnings.map((warning) => warning.path)).toEqual(['message[1]']);
    });

    it('points message warnings at the raw index, not the sorted position', () => {
      // Prepare
      const room = rawRoom({
        message: [
          rawMessage({ id: '2', send_date: '2022-05-26 11:00:00' }),
          rawMessage({ id: '1', send_date: '2022-05-26 10:00:00', user_type: '?' }),
        ],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages.map((message) => message.id)).toEqual(['1', '2']);
      expect(transcript.warnings.map((warning) => warning.path)).toEqual(['message[1].user_type']);
    });

    it('normalizes a room of 100,000 messages given in reverse', () => {
      // Prepare
      const count = 100_000;
      const start = Date.UTC(2022, 4, 26, 0, 0, 0);
      const localTime = (index: number) =>
        new Date(start + index * 3_000).toISOString().slice(0, 19).replace('T', ' ');
      const message: RawMessage[] = [];
      for (let index = count - 1; index >= 0; index--) {
        message.push(
          rawMessage({
            id: String(index + 1),
            user_type: index % 3 === 0 ? 'H' : 'C',
            contents_type: index % 10 === 0 ? 'normal' : 'text',
            contents: index % 10 === 0 ? BUTTON_CONTENTS : `메시지 ${index}`,
            send_date: localTime(index),
            read_date: localTime(index + 1),
          }),
        );
      }

      // Act
      const transcript = normalize(rawRoom({ message }));

      // Assess
      const ids = transcript.messages.map((entry) => entry.id);
      expect(transcript.stats.message_count).toBe(count);
      expect(ids.every((id, index) => id === String(index + 1))).toBe(true);
      expect(transcript.stats.by_sender).toEqual({ counselor: 33_334, customer: 66_666 });
      expect(transcript.stats.first_message_at).toBe('2022-05-26T00:00:00+09:00');
      expect(transcript.stats.last_message_at).toBe(`${localTime(count - 1).replace(' ', 'T')}+09:00`);
      expect(transcript.messages[10]?.links).toHaveLength(2);
      expect(transcript.warnings).toEqual([]);
    });
  });

  describe('stats', () => {
    it('counts messages by sender name, with "unknown" for a missing sender', () => {
      // Prepare
      const room = rawRoom({
        message: [
          rawMessage({ id: '1', user_type: 'C' }),
          rawMessage({ id: '2', user_type: 'H' }),
          rawMessage({ id: '3', user_type: 'C' }),
          rawMessage({ id: '4', user_type: 'B' }),
          rawMessage({ id: '5', user_type: '' }),
        ],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.stats.message_count).toBe(5);
      expect(transcript.stats.by_sender).toEqual({ customer: 2, counselor: 1, bot: 1, unknown: 1 });
    });

    it('takes first and last message times, and the duration from registered_at to completed_at', () => {
      // Prepare
      const room = rawRoom({
        message: [
          rawMessage({ id: '1', send_date: '2022-05-26 10:27:00' }),
          rawMessage({ id: '2', send_date: '2022-05-26 10:31:06' }),
        ],
      });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.stats).toEqual({
        message_count: 2,
        by_sender: { customer: 2 },
        first_message_at: '2022-05-26T10:27:00+09:00',
        last_message_at: '2022-05-26T10:31:06+09:00',
        duration_seconds: 275,
      });
    });

    it('has null times and an empty count for a room without messages', () => {
      // Prepare
      const room = rawRoom({ message: null });

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.messages).toEqual([]);
      expect(transcript.stats).toEqual({
        message_count: 0,
        by_sender: {},
        first_message_at: null,
        last_message_at: null,
        duration_seconds: 275,
      });
    });
  });

  describe('room fields', () => {
    it('names fields of the room beside chat and message in warnings, with their values', () => {
      // Prepare
      const room = { ...rawRoom(), tags: ['vip'], 'odd key': 1 };

      // Act
      const transcript = normalize(room);

      // Assess
      expect(transcript.warnings).toEqual([
        { path: 'tags', value: ['vip'], reason: 'room field not in the spec' },
        { path: '["odd key"]', value: 1, reason: 'room field not in the spec' },
      ]);
    });
  });
});
