import { describe, expect, it } from 'vitest';
import { InvalidRedactionKeyError, InvalidTranscriptError } from '../../../lib/redaction/errors.js';
import { Pseudonymizer } from '../../../lib/redaction/pseudonym.js';
import { explainTranscript, REDACTOR_VERSION, redactTranscript } from '../../../lib/redaction/redact.js';
import { type Transcript, TranscriptSchema } from '../../../lib/transcript/schema.js';
import { normalize, rawMessage, rawRoom } from '../transcript/builders.js';

const KEY = 'test-redaction-key-0123456789abcdef';
const CUSTOMER = '1000225570_user12345';
const USER_ID = 'user12345';

const code = (value: string, label: string, name: string) => ({ code: value, label, name });

/** Every value of personal data planted in {@link transcript}, as written there. */
const PLANTED = [
  '010-1111-2222',
  'minsu@naver.com',
  '01033334444',
  '010-5555-6666',
  '010-7777-8888',
  '010-9999-0000',
  '4518-4210-1234-5679',
  '850315-1234566',
  '8503151234566',
  '010-1212-3434',
  '01012345678',
  'minsu%40naver.com',
  '010-2222-3333',
  '010-4444-5555',
  '010-6666-7777',
  '김민수',
];

function transcript(): Transcript {
  const v2 = JSON.stringify({
    type: 'TEXT',
    message: '안내 문자는 010-4444-5555 로 보내드렸습니다',
    isLocked: false,
    buttonList: [
      {
        type: 'WEB_LINK',
        name: '주문 확인',
        pcUrl: 'https://shop.example.co.kr/my?phone=01012345678&email=minsu%40naver.com',
        mobileUrl: 'https://m.shop.example.co.kr/my?phone=01012345678',
      },
      { type: 'TEXT', name: '상담원 연결' },
    ],
  });
  return {
    schema_version: 1,
    room_id: 'room-1',
    chat: {
      id: 'room-1',
      title: '환불 문의 010-1111-2222',
      status: code('2', '완료', 'completed'),
      channel: code('0', '해피톡', 'happytalk'),
      counselor: { name: '김상담', nickname: 'kim-cs' },
      customer: { uuid: CUSTOMER, user_id: USER_ID },
      category: { id: '75345', name: '상품문의' },
      division: { id: '75346', name: '일반상담' },
      subcategory: null,
      registered_at: '2024-03-12T10:00:00+09:00',
      completed_at: '2024-03-12T10:30:00+09:00',
      order: {
        order_number: '20240312-0001234',
        product_number: 'P0012345678',
        parcel_number: '641234567890',
        parcel_company: code('4', 'CJ대한통운', 'cj_logistics'),
      },
      device: {
        app_version: '5.12.3',
        os: null,
        os_version: null,
        model: null,
        telecom: null,
        app_hash: null,
      },
      parameters: ['minsu@naver.com', '01033334444', null, null, null, null, null, null, null, null],
      rating: { score: 5, comment: '친절했어요 010-5555-6666 로 연락주세요' },
      tags: ['#환불', '#010-7777-8888'],
      extra: {
        user_parameter: '{"name":"김민수","tel":"010-9999-0000","grade":"GOLD"}',
        nested: { deep: ['카드 4518-4210-1234-5679', 3] },
        registration: 8503151234566,
        visits: 12,
      },
    },
    messages: [
      {
        id: '100',
        from_id: CUSTOMER,
        to_id: 'kim-cs',
        type: code('C', '메시지', 'message'),
        sender: code('C', '고객', 'customer'),
        content_type: code('text', '단순 글자', 'text'),
        text: '주민번호 850315-1234566 이고 메일은 minsu@naver.com 이에요',
        image_url: null,
        links: [],
        buttons: [],
        contents: '주민번호 850315-1234566 이고 메일은 minsu@naver.com 이에요',
        sent_at: '2024-03-12T10:01:00+09:00',
        read_at: '2024-03-12T10:01:05+09:00',
        extra: { memo: '연락처 010-1212-3434', seen: true },
      },
      {
        id: '101',
        from_id: 'kim-cs',
        to_id: CUSTOMER,
        type: code('C', '메시지', 'message'),
        sender: code('H', '상담사', 'counselor'),
        content_type: code('template', '템플릿', 'template'),
        text: '안내 문자는 010-4444-5555 로 보내드렸습니다',
        image_url: null,
        links: [
          {
            name: '주문 확인',
            url: 'https://shop.example.co.kr/my?phone=01012345678&email=minsu%40naver.com',
          },
        ],
        buttons: [
          {
            type: 'WEB_LINK',
            name: '주문 확인',
            url: 'https://shop.example.co.kr/my?phone=01012345678&email=minsu%40naver.com',
            mobile_url: 'https://m.shop.example.co.kr/my?phone=01012345678',
          },
          { type: 'TEXT', name: '상담원 연결', url: null, mobile_url: null },
        ],
        contents: v2,
        sent_at: '2024-03-12T10:02:00+09:00',
        read_at: null,
        extra: {},
      },
      {
        id: '102',
        from_id: CUSTOMER,
        to_id: 'kim-cs',
        type: code('C', '메시지', 'message'),
        sender: code('C', '고객', 'customer'),
        content_type: code('image', '이미지', 'image'),
        text: null,
        image_url: 'https://static.happytalk.io/data/chat_data/2024_03_12/abc_w.png?tel=010-6666-7777',
        links: [],
        buttons: [],
        contents: 'https://static.happytalk.io/data/chat_data/2024_03_12/abc_w.png?tel=010-6666-7777',
        sent_at: '2024-03-12T10:03:00+09:00',
        read_at: null,
        extra: {},
        attachments: [
          {
            url: 'https://static.happytalk.io/data/chat_data/2024_03_12/abc_w.png?tel=010-6666-7777',
            key: `attachments/${'c'.repeat(64)}`,
            sha256: 'c'.repeat(64),
            content_type: 'image/png',
            bytes: 1234,
          },
        ],
      },
      {
        id: '103',
        from_id: 'kim-cs',
        to_id: CUSTOMER,
        type: code('M', '메모', 'memo'),
        sender: code('H', '상담사', 'counselor'),
        content_type: code('normal', '버튼', 'button'),
        text: null,
        image_url: null,
        links: [],
        buttons: [],
        contents: '{"text":"연락처 010-2222-3333 확인',
        sent_at: '2024-03-12T10:04:00+09:00',
        read_at: null,
        extra: {},
      },
    ],
    stats: {
      message_count: 4,
      by_sender: { customer: 2, counselor: 2 },
      first_message_at: '2024-03-12T10:01:00+09:00',
      last_message_at: '2024-03-12T10:04:00+09:00',
      duration_seconds: 1800,
    },
    warnings: [
      {
        path: 'message[3].contents',
        value: '{"text":"연락처 010-2222-3333 확인',
        reason: 'contents is not valid JSON',
      },
      {
        path: 'chat.vote_score',
        value: { raw: 'user12345 010-2222-3333' },
        reason: 'vote_score is not a number',
      },
    ],
    source: {
      endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
      fetched_at: '2024-03-12T01:31:07.250Z',
      sha256: 'ab'.repeat(32),
      archiver_version: '0.1.0',
    },
  };
}

type Loose = Record<string, unknown>;
const message = (redacted: Transcript, index: number) => redacted.messages[index] as Loose;

describe('redactTranscript', () => {
  it('replaces the findings of every free-text field by [TYPE]', () => {
    const redacted = redactTranscript(transcript(), KEY);

    expect(redacted.chat.title).toBe('환불 문의 [PHONE]');
    expect(redacted.chat.parameters.slice(0, 3)).toEqual(['[EMAIL]', '[PHONE]', null]);
    expect(redacted.chat.rating).toEqual({ score: 5, comment: '친절했어요 [PHONE] 로 연락주세요' });
    expect(redacted.chat.tags).toEqual(['#환불', '#[PHONE]']);
    expect(redacted.chat.extra.nested).toEqual({ deep: ['카드 [CARD]', 3] });
    expect(redacted.chat.extra.registration).toBe('[RRN]');
    expect(redacted.chat.extra.visits).toBe(12);
    expect(message(redacted, 0).text).toBe('주민번호 [RRN] 이고 메일은 [EMAIL] 이에요');
    expect(message(redacted, 0).contents).toBe('주민번호 [RRN] 이고 메일은 [EMAIL] 이에요');
    expect(message(redacted, 0).extra).toEqual({ memo: '연락처 [PHONE]', seen: true });
    expect(message(redacted, 1).text).toBe('안내 문자는 [PHONE] 로 보내드렸습니다');
    expect(message(redacted, 1).links).toEqual([
      { name: '주문 확인', url: 'https://shop.example.co.kr/my?phone=[PHONE]&email=[EMAIL]' },
    ]);
    expect(message(redacted, 1).buttons).toEqual([
      {
        type: 'WEB_LINK',
        name: '주문 확인',
        url: 'https://shop.example.co.kr/my?phone=[PHONE]&email=[EMAIL]',
        mobile_url: 'https://m.shop.example.co.kr/my?phone=[PHONE]',
      },
      { type: 'TEXT', name: '상담원 연결', url: null, mobile_url: null },
    ]);
    expect(message(redacted, 2).image_url).toBe(
      'https://static.happytalk.io/data/chat_data/2024_03_12/abc_w.png?tel=[PHONE]',
    );
    expect(message(redacted, 2).attachments).toEqual([
      {
        url: 'https://static.happytalk.io/data/chat_data/2024_03_12/abc_w.png?tel=[PHONE]',
        key: `attachments/${'c'.repeat(64)}`,
        sha256: 'c'.repeat(64),
        content_type: 'image/png',
        bytes: 1234,
      },
    ]);
  });

  it('redacts inside JSON contents and strings, which stay valid JSON; other contents as text', () => {
    const redacted = redactTranscript(transcript(), KEY);

    const contents = JSON.parse(String(message(redacted, 1).contents));
    expect(contents).toEqual({
      type: 'TEXT',
      message: '안내 문자는 [PHONE] 로 보내드렸습니다',
      isLocked: false,
      buttonList: [
        {
          type: 'WEB_LINK',
          name: '주문 확인',
          pcUrl: 'https://shop.example.co.kr/my?phone=[PHONE]&email=[EMAIL]',
          mobileUrl: 'https://m.shop.example.co.kr/my?phone=[PHONE]',
        },
        { type: 'TEXT', name: '상담원 연결' },
      ],
    });
    expect(JSON.parse(String(redacted.chat.extra.user_parameter))).toEqual({
      name: '김민수',
      tel: '[PHONE]',
      grade: 'GOLD',
    });
    expect(message(redacted, 3).contents).toBe('{"text":"연락처 [PHONE] 확인');
  });

  it('keeps a JSON string without findings verbatim', () => {
    const input = transcript();
    const verbatim = '{ "text" : "배송 문의",  "link": {"name": ["확인"]} }';
    input.messages[1] = { ...input.messages[1], contents: verbatim } as Transcript['messages'][number];

    expect(message(redactTranscript(input, KEY), 1).contents).toBe(verbatim);
  });

  it('redacts the values and reasons of warnings, keeping their paths', () => {
    const redacted = redactTranscript(transcript(), KEY);

    expect(redacted.warnings).toEqual([
      {
        path: 'message[3].contents',
        value: '{"text":"연락처 [PHONE] 확인',
        reason: 'contents is not valid JSON',
      },
      {
        path: 'chat.vote_score',
        value: { raw: '[CUSTOMER_ID] [PHONE]' },
        reason: 'vote_score is not a number',
      },
    ]);
  });

  it('keeps ids, times, codes, order numbers, stats and source', () => {
    const input = transcript();
    const redacted = redactTranscript(input, KEY);

    expect(redacted.room_id).toBe('room-1');
    expect(redacted.chat.id).toBe('room-1');
    expect(redacted.chat.status).toEqual(input.chat.status);
    expect(redacted.chat.order).toEqual(input.chat.order);
    expect(redacted.chat.registered_at).toBe(input.chat.registered_at);
    expect(redacted.messages.map((item) => [item.id, item.sent_at, item.read_at])).toEqual(
      input.messages.map((item) => [item.id, item.sent_at, item.read_at]),
    );
    expect(redacted.stats).toEqual(input.stats);
    expect(redacted.source).toEqual(input.source);
    expect(redacted.chat.counselor).toEqual({ name: '김상담', nickname: 'kim-cs' });
  });

  it('keeps an order, product or parcel number that is one identifier token, even one shaped like a 주민등록번호', () => {
    const input = transcript();
    const order = {
      order_number: '8503151234566',
      product_number: '8801234567893',
      parcel_number: 'CJ-6412/3456.7890#1',
      parcel_company: input.chat.order.parcel_company,
    };

    const redacted = redactTranscript({ ...input, chat: { ...input.chat, order } }, KEY);

    expect(redacted.chat.order).toEqual(order);
    // The two written in the messages and extra only.
    expect(redacted.redaction.counts.RRN).toBe(redactTranscript(input, KEY).redaction.counts.RRN);
  });

  it('scans an order field that is free text rather than one identifier token', () => {
    const input = transcript();
    const order = {
      order_number: '주문자 연락처 010-1234-5678',
      product_number: 'minsu@naver.com',
      parcel_number: `${'1'.repeat(65)}`,
      parcel_company: input.chat.order.parcel_company,
    };

    const redacted = redactTranscript({ ...input, chat: { ...input.chat, order } }, KEY);

    expect(redacted.chat.order.order_number).toBe('주문자 연락처 [PHONE]');
    expect(redacted.chat.order.product_number).toBe('[EMAIL]');
    expect(redacted.chat.order.parcel_number).toBe('1'.repeat(65));
    expect(explainTranscript({ ...input, chat: { ...input.chat, order } }).map((f) => f.path)).toEqual(
      expect.arrayContaining(['chat.order.order_number', 'chat.order.product_number']),
    );
  });

  it('replaces the customer uuid and user id, and the customer ids of messages, by keyed pseudonyms', () => {
    const redacted = redactTranscript(transcript(), KEY);
    const pseudonyms = new Pseudonymizer(KEY);

    expect(redacted.chat.customer).toEqual({
      uuid: pseudonyms.pseudonym('customer', CUSTOMER),
      user_id: pseudonyms.pseudonym('user_id', USER_ID),
    });
    expect(redacted.chat.customer.uuid).toMatch(/^ps_[0-9a-f]{32}$/);
    expect(redacted.chat.customer.uuid).not.toBe(redacted.chat.customer.user_id);
    expect(redacted.messages.map((item) => [item.from_id, item.to_id])).toEqual([
      [redacted.chat.customer.uuid, 'kim-cs'],
      ['kim-cs', redacted.chat.customer.uuid],
      [redacted.chat.customer.uuid, 'kim-cs'],
      ['kim-cs', redacted.chat.customer.uuid],
    ]);
  });

  it('gives the same customer the same pseudonym in every room, and another key other pseudonyms', () => {
    const other = transcript();
    other.room_id = 'room-2';
    other.chat.id = 'room-2';
    other.chat.title = '다른 방';

    const first = redactTranscript(transcript(), KEY);
    const second = redactTranscript(other, KEY);
    const otherKey = redactTranscript(transcript(), `${KEY}-rotated`);

    expect(second.chat.customer).toEqual(first.chat.customer);
    expect(otherKey.chat.customer.uuid).not.toBe(first.chat.customer.uuid);
    expect(otherKey.redaction.pseudonym_key_id).not.toBe(first.redaction.pseudonym_key_id);
    expect(redactTranscript(transcript(), KEY)).toEqual(first);
  });

  it('takes an id that is neither the chat customer nor staff for the customer', () => {
    const input = transcript();
    input.chat.customer = { uuid: null, user_id: null };
    input.messages[1] = { ...input.messages[1], to_id: 'someone-else' } as Transcript['messages'][number];

    const redacted = redactTranscript(input, KEY);

    expect(redacted.messages[1]?.to_id).toBe(new Pseudonymizer(KEY).pseudonym('customer', 'someone-else'));
    expect(redacted.messages[1]?.from_id).toBe('kim-cs');
  });

  it('pseudonymizes counselors on request, in their fields, ids and text', () => {
    const input = transcript();
    input.chat.title = '김상담 상담사 배정';
    const redacted = redactTranscript(input, KEY, { counselors: 'pseudonymize' });
    const pseudonyms = new Pseudonymizer(KEY);

    expect(redacted.chat.counselor).toEqual({
      name: pseudonyms.pseudonym('counselor', '김상담'),
      nickname: pseudonyms.pseudonym('counselor', 'kim-cs'),
    });
    expect(redacted.messages[1]?.from_id).toBe(pseudonyms.pseudonym('counselor', 'kim-cs'));
    expect(redacted.chat.title).toBe('[COUNSELOR] 상담사 배정');
    expect(redacted.redaction.counselors).toBe('pseudonymized');
  });

  it('masks with [PII] on request', () => {
    const redacted = redactTranscript(transcript(), KEY, { mask: 'pii' });

    expect(message(redacted, 0).text).toBe('주민번호 [PII] 이고 메일은 [PII] 이에요');
    expect(redacted.redaction.mask).toBe('pii');
  });

  it('redacts names only when asked', () => {
    expect(JSON.parse(String(redactTranscript(transcript(), KEY).chat.extra.user_parameter)).name).toBe(
      '김민수',
    );
    const input = transcript();
    input.chat.title = '김민수 고객님 환불 문의';

    expect(redactTranscript(input, KEY, { detect: { names: true } }).chat.title).toBe(
      '[NAME] 고객님 환불 문의',
    );
  });

  it('leaves no planted value anywhere in the copy', () => {
    const text = JSON.stringify(redactTranscript(transcript(), KEY));

    for (const value of [...PLANTED.filter((planted) => planted !== '김민수'), CUSTOMER, 'user12345']) {
      expect(text).not.toContain(value);
    }
  });

  it('writes a redaction block with versions and counts, never a value', () => {
    const redacted = redactTranscript(transcript(), KEY);

    expect(redacted.redaction).toEqual({
      redactor_version: REDACTOR_VERSION,
      mask: 'type',
      counts: { CARD: 1, CUSTOMER_ID: 1, EMAIL: 6, PHONE: 19, RRN: 3 },
      pseudonymized: [
        'chat.customer.uuid',
        'chat.customer.user_id',
        'messages[].from_id',
        'messages[].to_id',
      ],
      pseudonym_key_id: new Pseudonymizer(KEY).keyId,
      counselors: 'kept',
      names: false,
    });
    const block = JSON.stringify(redacted.redaction);
    for (const value of [...PLANTED, CUSTOMER, 'user12345', KEY]) expect(block).not.toContain(value);
  });

  it('writes a transcript v1 the schema accepts, and leaves its input as it was', () => {
    const input = transcript();
    const before = structuredClone(input);

    const redacted = redactTranscript(input, KEY);

    expect(TranscriptSchema.safeParse(redacted).success).toBe(true);
    expect(input).toEqual(before);
  });

  it('redacts transcripts without tags and buttons, and normalized ones', () => {
    const input = transcript();
    delete input.chat.tags;
    for (const item of input.messages) delete (item as Loose).buttons;
    const normalized = normalize(
      rawRoom({ message: [rawMessage({ contents: '제 번호는 010-2345-6789 입니다' })] }),
    );

    const redacted = redactTranscript(input, KEY);
    const fromNormalized = redactTranscript(normalized, KEY);

    expect('tags' in redacted.chat).toBe(false);
    expect(redacted.messages.some((item) => 'buttons' in item)).toBe(false);
    expect(fromNormalized.messages[0]?.text).toBe('제 번호는 [PHONE] 입니다');
    expect(TranscriptSchema.safeParse(fromNormalized).success).toBe(true);
  });

  it('masks values nested deeper than any field whole, without reading them', () => {
    const input = transcript();
    let deep: unknown = '010-1234-5678';
    for (let level = 0; level < 5_000; level++) deep = { level: deep };
    input.chat.extra = { deep };

    const redacted = redactTranscript(input, KEY);

    expect(JSON.stringify(redacted.chat.extra)).not.toContain('010-1234-5678');
    expect(JSON.stringify(redacted.chat.extra)).toContain('"[TOO_DEEP]"');
    expect(redacted.redaction.counts.TOO_DEEP).toBe(1);
  });

  it('redacts as text a JSON string whose integers parsing would round', () => {
    const input = transcript();
    input.chat.extra = { payload: '{"card": 4518421012345679, "note": "x"}' };

    expect(redactTranscript(input, KEY).chat.extra.payload).toBe('{"card": [CARD], "note": "x"}');
  });

  it('refuses a redacted copy and a short key', () => {
    const redacted = redactTranscript(transcript(), KEY);

    expect(() => redactTranscript(redacted, KEY)).toThrow(InvalidTranscriptError);
    expect(() => redactTranscript(transcript(), 'short')).toThrow(InvalidRedactionKeyError);
    expect(() => redactTranscript(transcript(), 'short')).toThrow('at least 32 bytes, received 5');
  });
});

describe('explainTranscript', () => {
  it('lists every finding once, where it is, with its value masked', () => {
    const input = transcript();
    const findings = explainTranscript(input);

    expect(findings.slice(0, 3)).toEqual([
      { path: 'chat.title', type: 'PHONE', start: 6, end: 19, confidence: 0.95, masked: '***-****-****' },
      {
        path: 'chat.parameters[0]',
        type: 'EMAIL',
        start: 0,
        end: 15,
        confidence: 0.99,
        masked: '*****@*****.***',
      },
      {
        path: 'chat.parameters[1]',
        type: 'PHONE',
        start: 0,
        end: 11,
        confidence: 0.95,
        masked: '***********',
      },
    ]);
    expect(findings).toContainEqual({
      path: 'messages[1].contents',
      json_path: '$.buttonList[0].pcUrl',
      type: 'EMAIL',
      start: 54,
      end: 71,
      confidence: 0.99,
      masked: '*****%*******.***',
    });
    const counts: Record<string, number> = {};
    for (const finding of findings) counts[finding.type] = (counts[finding.type] ?? 0) + 1;
    expect(counts).toEqual(redactTranscript(input, KEY).redaction.counts);
  });

  it('never shows a letter or digit of a value', () => {
    const text = JSON.stringify(explainTranscript(transcript()));

    for (const value of [...PLANTED, CUSTOMER]) expect(text).not.toContain(value);
    for (const finding of explainTranscript(transcript()))
      expect(finding.masked).not.toMatch(/[\p{L}\p{N}]/u);
  });

  it('reports offsets into the string (or the JSON string value) it names', () => {
    const input = transcript();
    const pcUrl = JSON.parse(String(input.messages[1]?.contents)).buttonList[0].pcUrl as string;

    const findings = explainTranscript(input);

    const title = findings.find((finding) => finding.path === 'chat.title');
    expect(input.chat.title?.slice(title?.start, title?.end)).toBe('010-1111-2222');
    const inJson = findings.find(
      (finding) => finding.json_path === '$.buttonList[0].pcUrl' && finding.type === 'EMAIL',
    );
    expect(pcUrl.slice(inJson?.start, inJson?.end)).toBe('minsu%40naver.com');
  });
});
