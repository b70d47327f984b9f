/**
 * The labelled evaluation set: synthetic Korean support chats, generated
 * deterministically from a seed, with every span of personal data labelled
 * (type, string path, offsets). The set is written from the formats'
 * definitions (values/) and from how customers and counselors write, with
 * hard negatives (order, tracking, coupon and product numbers, amounts,
 * timestamps, representative numbers, delivery dates) that must survive.
 */

import type { EntityType } from '../../lib/redaction/types.js';
import type { Transcript } from '../../lib/transcript/schema.js';
import {
  assemble,
  counselorSentence,
  customerSentence,
  type LabelledText,
  memoSentence,
  pii,
  type Sentence,
} from './sentences.js';
import { personName } from './values/addresses-and-names.js';
import { Dice } from './values/dice.js';
import { email, phone } from './values/identifiers.js';
import { appVersion, orderNumber, productCode, trackingNumber } from './values/negatives.js';

/** A labelled span: `path` names a string of the transcript; `jsonPath` a string inside it when it holds JSON. */
export interface LabelledSpan {
  readonly path: string;
  readonly jsonPath?: string;
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
}

export interface EvalCase {
  readonly transcript: Transcript;
  readonly spans: readonly LabelledSpan[];
}

export interface EvalSet {
  readonly name: string;
  readonly seed: number;
  readonly cases: readonly EvalCase[];
}

/** The seeds of the shipped sets: the development set, and a held-out set the detectors were not tuned on. */
export const DEVELOPMENT_SEED = 20_240_601;
export const HELD_OUT_SEED = 77_031_913;
export const DEFAULT_TRANSCRIPTS_PER_SET = 400;

// Transcripts ------------------------------------------------------------------------------------

const code = (value: string, label: string | null = null, name: string | null = null) => ({
  code: value,
  label,
  name,
});
const CUSTOMER = code('C', '고객', 'customer');
const COUNSELOR = code('H', '상담사', 'counselor');
const BOT = code('B', '봇', 'bot');
const MESSAGE = code('C', '메시지', 'message');
const MEMO = code('M', '메모', 'memo');
const TEXT = code('text', '단순 글자', 'text');
const TEMPLATE = code('template', '템플릿', 'template');
const BUTTON = code('normal', '버튼', 'button');

interface Builder {
  readonly spans: LabelledSpan[];
  labelled(path: string, text: LabelledText, jsonPath?: string): void;
}

function builder(): Builder {
  const spans: LabelledSpan[] = [];
  return {
    spans,
    labelled(path, text, jsonPath) {
      for (const span of text.spans) spans.push({ path, ...(jsonPath ? { jsonPath } : {}), ...span });
    },
  };
}

function time(base: number, offsetSeconds: number): string {
  const shifted = new Date(base + offsetSeconds * 1000 + 9 * 3600 * 1000);
  return `${shifted.toISOString().slice(0, 19)}+09:00`;
}

/** A link that may carry personal data in its query string, as shops' deep links do. */
function linkUrl(dice: Dice): LabelledText {
  return dice.pick<() => LabelledText>([
    () => assemble([`https://shop.example.co.kr/orders/${orderNumber(dice)}?utm_source=happytalk`]),
    () =>
      assemble([
        'https://m.shop.example.co.kr/mypage?phone=',
        pii('PHONE', phone(dice, 'mobile')),
        '&ref=chat',
      ]),
    () => {
      const address = email(dice).replace(/[＠]/g, '@');
      const encoded = dice.chance(0.5) ? address.replace('@', '%40') : address;
      return assemble(['https://shop.example.co.kr/account?email=', pii('EMAIL', encoded), '&lang=ko']);
    },
    () =>
      assemble([
        `https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=${trackingNumber(dice).number}`,
      ]),
  ])();
}

function buttonMessage(
  dice: Dice,
  index: number,
  base: { id: string; from: string; to: string; at: string },
  labels: Builder,
): Transcript['messages'][number] {
  const text = assemble(dice.chance(0.5) ? counselorSentence(dice) : ['아래 버튼을 눌러 확인해주세요.']);
  const url = linkUrl(dice);
  const name = assemble(dice.chance(0.15) ? [pii('NAME', personName(dice)), '님 주문 확인'] : ['주문 확인']);
  const v2 = dice.chance(0.5);
  const path = `messages[${index}]`;
  const contents = v2
    ? JSON.stringify({
        type: 'TEXT',
        message: text.text,
        isLocked: false,
        buttonList: [
          { type: 'WEB_LINK', name: name.text, pcUrl: url.text, mobileUrl: url.text },
          { type: 'TEXT', name: '상담원 연결' },
        ],
      })
    : JSON.stringify({ text: text.text, link: { name: [name.text], url: [url.text] } });
  labels.labelled(`${path}.text`, text);
  labels.labelled(`${path}.contents`, text, v2 ? '$.message' : '$.text');
  labels.labelled(`${path}.contents`, name, v2 ? '$.buttonList[0].name' : '$.link.name[0]');
  labels.labelled(`${path}.contents`, url, v2 ? '$.buttonList[0].pcUrl' : '$.link.url[0]');
  if (v2) labels.labelled(`${path}.contents`, url, '$.buttonList[0].mobileUrl');
  labels.labelled(`${path}.links[0].name`, name);
  labels.labelled(`${path}.links[0].url`, url);
  labels.labelled(`${path}.buttons[0].name`, name);
  labels.labelled(`${path}.buttons[0].url`, url);
  if (v2) labels.labelled(`${path}.buttons[0].mobile_url`, url);
  return {
    id: base.id,
    from_id: base.from,
    to_id: base.to,
    type: MESSAGE,
    sender: COUNSELOR,
    content_type: v2 ? TEMPLATE : BUTTON,
    text: text.text,
    image_url: null,
    links: [{ name: name.text, url: url.text }],
    buttons: [
      { type: v2 ? 'WEB_LINK' : null, name: name.text, url: url.text, mobile_url: v2 ? url.text : null },
      ...(v2 ? [{ type: 'TEXT', name: '상담원 연결', url: null, mobile_url: null }] : []),
    ],
    contents,
    sent_at: base.at,
    read_at: base.at,
    extra: {},
  };
}

function textMessage(
  index: number,
  sentence: Sentence,
  base: { id: string; from: string; to: string; at: string; sender: typeof CUSTOMER; memo?: boolean },
  labels: Builder,
): Transcript['messages'][number] {
  const text = assemble(sentence);
  labels.labelled(`messages[${index}].text`, text);
  labels.labelled(`messages[${index}].contents`, text);
  return {
    id: base.id,
    from_id: base.from,
    to_id: base.to,
    type: base.memo ? MEMO : MESSAGE,
    sender: base.sender,
    content_type: TEXT,
    text: text.text,
    image_url: null,
    links: [],
    buttons: [],
    contents: text.text,
    sent_at: base.at,
    read_at: base.at,
    extra: {},
  };
}

/** One synthetic room: a bot greeting, customer and counselor turns, memos, buttons; PII in chat fields too. */
export function generateCase(dice: Dice, serial: number): EvalCase {
  const labels = builder();
  const roomId = `eval${String(serial).padStart(5, '0')}${dice.hex(12)}`;
  const userId = `user${dice.int(1000, 99_999)}`;
  const customer = `1000225570_${userId}`;
  const counselor = dice.pick(['kim-cs', 'lee-cs', 'park-cs', 'choi-cs']);
  const registered = Date.UTC(dice.int(2019, 2025), dice.int(0, 11), dice.int(1, 28), dice.int(0, 14));
  const messages: Transcript['messages'] = [];
  let seconds = 0;
  let id = dice.int(1_000_000, 8_999_999);
  const next = () => {
    seconds += dice.int(5, 120);
    id += dice.int(1, 3);
    return { id: String(id), at: time(registered, seconds) };
  };
  messages.push(
    textMessage(
      0,
      ['안녕하세요. 무엇을 도와드릴까요?'],
      { ...next(), from: 'bot', to: customer, sender: BOT },
      labels,
    ),
  );
  const turns = dice.int(3, 12);
  for (let turn = 0; turn < turns; turn++) {
    const index = messages.length;
    const roll = dice.int(1, 100);
    if (roll > 90) {
      messages.push(buttonMessage(dice, index, { ...next(), from: counselor, to: customer }, labels));
      continue;
    }
    // Customer lines, counselor lines, counselors' memos.
    const [sentence, parties] =
      roll <= 55
        ? [customerSentence(dice), { from: customer, to: counselor, sender: CUSTOMER }]
        : roll <= 82
          ? [counselorSentence(dice), { from: counselor, to: customer, sender: COUNSELOR }]
          : [memoSentence(dice), { from: counselor, to: counselor, sender: COUNSELOR, memo: true }];
    messages.push(textMessage(index, sentence, { ...next(), ...parties }, labels));
  }
  const warnings: Transcript['warnings'] = [];
  if (dice.chance(0.1)) {
    // A button message whose contents HappyTalk cut short: not JSON, kept verbatim and named in a warning.
    const index = messages.length;
    const broken = assemble([
      '{"text":"연락처 ',
      pii('PHONE', phone(dice, 'mobile')),
      ' 로 안내드립니다","link":{"na',
    ]);
    labels.labelled(`messages[${index}].contents`, broken);
    labels.labelled(`warnings[${warnings.length}].value`, broken);
    const { id: messageId, at } = next();
    messages.push({
      id: messageId,
      from_id: counselor,
      to_id: customer,
      type: MESSAGE,
      sender: COUNSELOR,
      content_type: BUTTON,
      text: null,
      image_url: null,
      links: [],
      buttons: [],
      contents: broken.text,
      sent_at: at,
      read_at: at,
      extra: {},
    });
    warnings.push({
      path: `message[${index}].contents`,
      value: broken.text,
      reason: 'contents is not valid JSON',
    });
  }

  const title = assemble(
    dice.chance(0.1)
      ? [pii('PHONE', phone(dice, 'mobile')), ' 환불 문의']
      : [dice.pick(['1:1 채팅 상담 문의 드립니다.', '배송 문의', '환불 요청'])],
  );
  labels.labelled('chat.title', title);
  const parameters: (string | null)[] = Array.from({ length: 10 }, () => null);
  if (dice.chance(0.3)) {
    const first = assemble([pii('EMAIL', email(dice))]);
    const second = assemble([pii('PHONE', phone(dice, 'mobile'))]);
    parameters[0] = first.text;
    parameters[1] = second.text;
    labels.labelled('chat.parameters[0]', first);
    labels.labelled('chat.parameters[1]', second);
  }
  parameters[2] = `member_grade=${dice.pick(['GOLD', 'SILVER', 'VIP'])}`;
  const comment = assemble(
    dice.chance(0.2)
      ? ['친절했어요. 다음에도 ', pii('PHONE', phone(dice, 'mobile')), ' 로 연락주세요']
      : [dice.pick(['친절했어요', '답변이 느려요', '감사합니다'])],
  );
  labels.labelled('chat.rating.comment', comment);
  const extra: Record<string, unknown> = {};
  if (dice.chance(0.15)) {
    const name = assemble([pii('NAME', personName(dice))]);
    const tel = assemble([pii('PHONE', phone(dice, 'mobile'))]);
    extra.user_parameter = JSON.stringify({ name: name.text, tel: tel.text, grade: 'GOLD' });
    labels.labelled('chat.extra.user_parameter', name, '$.name');
    labels.labelled('chat.extra.user_parameter', tel, '$.tel');
  }
  const { number: parcel } = trackingNumber(dice);
  const completed = time(registered, seconds + 30);
  const started = time(registered, 0);
  const bySender: Record<string, number> = {};
  for (const message of messages) {
    const name = message.sender?.name ?? 'unknown';
    bySender[name] = (bySender[name] ?? 0) + 1;
  }
  const transcript: Transcript = {
    schema_version: 1,
    room_id: roomId,
    chat: {
      id: roomId,
      title: title.text,
      status: code('2', '완료', 'completed'),
      channel: code('0', '해피톡', 'happytalk'),
      counselor: { name: `상담사${counselor.slice(0, 1)}`, nickname: counselor },
      customer: { uuid: customer, user_id: userId },
      category: { id: '75345', name: '상품문의' },
      division: { id: '75346', name: '일반상담' },
      subcategory: null,
      registered_at: started,
      completed_at: completed,
      order: {
        order_number: orderNumber(dice),
        product_number: productCode(dice),
        parcel_number: parcel,
        parcel_company: code('4', 'CJ대한통운', 'cj_logistics'),
      },
      device: {
        app_version: appVersion(dice),
        os: null,
        os_version: null,
        model: null,
        telecom: null,
        app_hash: null,
      },
      parameters,
      rating: { score: dice.int(1, 5), comment: comment.text },
      tags: dice.pick([['#환불'], ['#배송', '#지연'], [], ['#VIP']]),
      extra,
    },
    messages,
    stats: {
      message_count: messages.length,
      by_sender: bySender,
      first_message_at: messages[0]?.sent_at ?? null,
      last_message_at: messages.at(-1)?.sent_at ?? null,
      duration_seconds: seconds + 30,
    },
    warnings,
    source: {
      endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
      fetched_at: '2025-01-01T00:00:00.000Z',
      sha256: dice.hex(64),
      archiver_version: '0.1.0',
    },
  };
  return { transcript, spans: labels.spans };
}

/** A set of `transcripts` rooms from `seed`: the same seed always gives the same set. */
export function generateEvalSet(
  name: string,
  seed: number,
  transcripts = DEFAULT_TRANSCRIPTS_PER_SET,
): EvalSet {
  const dice = new Dice(seed);
  return {
    name,
    seed,
    cases: Array.from({ length: transcripts }, (_, serial) => generateCase(dice, serial)),
  };
}

/** One room holding one customer message: how the hand-written lines are scored. */
export function singleMessageCase(text: LabelledText, serial: number): EvalCase {
  const labels = builder();
  const roomId = `line${String(serial).padStart(5, '0')}`;
  const message = textMessage(
    0,
    [text.text],
    {
      id: String(serial + 1),
      from: 'customer-uuid-0',
      to: 'counselor',
      at: '2025-01-01T10:00:00+09:00',
      sender: CUSTOMER,
    },
    labels,
  );
  for (const path of ['messages[0].text', 'messages[0].contents']) labels.labelled(path, text);
  const transcript: Transcript = {
    schema_version: 1,
    room_id: roomId,
    chat: {
      id: roomId,
      title: null,
      status: code('2', '완료', 'completed'),
      channel: code('0', '해피톡', 'happytalk'),
      counselor: { name: null, nickname: null },
      customer: { uuid: 'customer-uuid-0', user_id: null },
      category: { id: null, name: null },
      division: { id: null, name: null },
      subcategory: null,
      registered_at: null,
      completed_at: null,
      order: { order_number: null, product_number: null, parcel_number: null, parcel_company: null },
      device: { app_version: null, os: null, os_version: null, model: null, telecom: null, app_hash: null },
      parameters: Array.from({ length: 10 }, () => null),
      rating: { score: null, comment: null },
      extra: {},
    },
    messages: [message],
    stats: {
      message_count: 1,
      by_sender: { customer: 1 },
      first_message_at: null,
      last_message_at: null,
      duration_seconds: null,
    },
    warnings: [],
    source: {
      endpoint: 'https://customer.happytalk.io/user/api/chat_data/format/json',
      fetched_at: '2025-01-01T00:00:00.000Z',
      sha256: '0'.repeat(64),
      archiver_version: '0.1.0',
    },
  };
  return { transcript, spans: labels.spans };
}
