/**
 * The labelled evaluation set: synthetic Korean support chats, generated
 * deterministically from a seed, with every span of personal data labelled
 * (type, string path, offsets). The set is written from the formats'
 * definitions (values.ts) and from how customers and counselors write, with
 * hard negatives (order, tracking, coupon and product numbers, amounts,
 * timestamps, representative numbers, delivery dates) that must survive.
 */

import type { EntityType } from '../../lib/redaction/types.js';
import type { Transcript } from '../../lib/transcript/schema.js';
import {
  account,
  amount,
  appVersion,
  barcode,
  birthDate,
  businessNumber,
  calendarDate,
  card,
  couponCode,
  Dice,
  driverLicense,
  email,
  orderNumber,
  passport,
  personName,
  phone,
  productCode,
  REGIONS,
  representativeNumber,
  roadAddress,
  rrn,
  timestamp,
  trackingNumber,
} from './values.js';

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

type Piece = string | { readonly type: EntityType; readonly value: string };
type Sentence = readonly Piece[];

/** A text with the spans of its labelled pieces. */
export interface LabelledText {
  readonly text: string;
  readonly spans: readonly { type: EntityType; start: number; end: number }[];
}

export function assemble(pieces: Sentence): LabelledText {
  let text = '';
  const spans: { type: EntityType; start: number; end: number }[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      text += piece;
    } else {
      spans.push({ type: piece.type, start: text.length, end: text.length + piece.value.length });
      text += piece.value;
    }
  }
  return { text, spans };
}

const pii = (type: EntityType, value: string): Piece => ({ type, value });

// What customers write ---------------------------------------------------------------------

const PHONE_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['제 번호는', d.gap(), pii('PHONE', phone(d)), d.gap(), '입니다'],
  (d) => ['연락처', d.pick([' ', ': ', ' : ', '는 ']), pii('PHONE', phone(d)), d.gap(), '로 연락 부탁드려요'],
  (d) => [pii('PHONE', phone(d, 'mobile'))],
  (d) => ['핸드폰', d.gap(), pii('PHONE', phone(d, 'mobile')), d.gap(), '이에요'],
  (d) => ['배송 기사님께 ', pii('PHONE', phone(d)), ' 번호로 연락 달라고 해주세요'],
  (d) => ['혹시 ', pii('PHONE', phone(d, 'mobile')), '로 문자 보내주실 수 있나요?'],
  (d) => ['번호 바뀌었어요 ', pii('PHONE', phone(d)), '로 변경 부탁드립니다'],
  (d) => ['집 전화는', d.gap(), pii('PHONE', phone(d, 'landline')), d.gap(), '입니다'],
  (d) => ['회사 ', pii('PHONE', phone(d, 'landline')), ' / 휴대폰 ', pii('PHONE', phone(d, 'mobile'))],
  (d) => ['안심번호 ', pii('PHONE', phone(d, 'safe')), ' 로 전화가 왔는데 누구세요?'],
  (d) => ['인터넷전화 ', pii('PHONE', phone(d, 'voip')), '로 걸어주세요'],
  (d) => ['받는 분 연락처', d.gap(), pii('PHONE', phone(d)), ' 맞는지 확인 부탁드려요'],
  (d) => ['번호는', pii('PHONE', phone(d, 'mobile')), '입니다'],
];

const EMAIL_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['이메일은', d.gap(), pii('EMAIL', email(d)), d.gap(), '입니다'],
  (d) => ['영수증 ', pii('EMAIL', email(d)), ' 로 보내주세요'],
  (d) => [pii('EMAIL', email(d))],
  (d) => ['메일 주소: ', pii('EMAIL', email(d))],
  (d) => ['계정이 ', pii('EMAIL', email(d)), '인데 로그인이 안돼요'],
  (d) => ['메일은', pii('EMAIL', email(d)), '이고 답장 주세요'],
];

const RRN_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['주민번호', d.gap(), pii('RRN', rrn(d)), d.gap(), '입니다'],
  (d) => ['주민등록번호는', d.gap(), pii('RRN', rrn(d)), '이에요'],
  (d) => ['외국인등록번호 ', pii('RRN', rrn(d, 'foreigner')), ' 입니다'],
  (d) => [pii('RRN', rrn(d)), ' 이거 맞나요?'],
  (d) => ['본인확인용으로 ', pii('RRN', rrn(d)), ' 보내드려요'],
  (d) => ['아이 주민번호는 ', pii('RRN', rrn(d, 'post-2020')), ' 예요'],
  (d) => ['등록번호', pii('RRN', rrn(d)), '로 조회해주세요'],
];

const CARD_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['카드번호 ', pii('CARD', card(d)), ' 로 결제했어요'],
  (d) => ['결제한 카드는', d.gap(), pii('CARD', card(d)), d.gap(), '입니다'],
  (d) => [pii('CARD', card(d)), ' 이 카드로 결제 취소 부탁드립니다'],
  (d) => ['카드 ', pii('CARD', card(d)), ' 유효기간 ', `${d.int(1, 12)}/${d.int(25, 31)}`],
  (d) => ['신용카드 번호', d.gap(), pii('CARD', card(d))],
  (d) => ['체크카드', pii('CARD', card(d)), '로 결제했는데 취소가 안 됐어요'],
];

function accountSentence(dice: Dice): Sentence {
  const { bank, number } = account(dice);
  const value = pii('ACCOUNT', number);
  return dice.pick<Sentence>([
    ['환불 계좌는 ', bank, ' ', value, '입니다'],
    [bank, ' ', value, ' 으로 환불 부탁드려요'],
    ['입금 계좌 ', bank, ' ', value, ' (예금주 ', pii('NAME', personName(dice)), ')'],
    ['계좌번호', dice.gap(), value, ' ', bank, '이에요'],
    [value, ' ', bank, '으로 송금했습니다'],
    ['환불받을 계좌: ', bank, ' ', value],
    [bank, dice.gap(0.5), value],
    ['계좌 ', value, dice.gap(), '(', bank, ')로 입금해주세요'],
  ]);
}

const PASSPORT_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['여권번호', d.gap(), pii('PASSPORT', passport(d)), d.gap(), '입니다'],
  (d) => ['여권 번호는 ', pii('PASSPORT', passport(d)), ' 이고 만료일은 ', calendarDate(d), '입니다'],
  (d) => [pii('PASSPORT', passport(d)), ' (여권)'],
  (d) => ['여권: ', pii('PASSPORT', passport(d))],
];

const LICENSE_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['운전면허번호 ', pii('DRIVER_LICENSE', driverLicense(d)), ' 입니다'],
  (d) => ['면허번호는', d.gap(), pii('DRIVER_LICENSE', driverLicense(d))],
  (d) => ['운전면허증 ', pii('DRIVER_LICENSE', driverLicense(d)), ' 으로 본인인증 했어요'],
  (d) => [pii('DRIVER_LICENSE', driverLicense(d)), ' 이게 제 면허번호예요'],
];

const BUSINESS_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['사업자등록번호 ', pii('BUSINESS_NUMBER', businessNumber(d)), ' 로 세금계산서 발행 부탁드립니다'],
  (d) => ['사업자번호는', d.gap(), pii('BUSINESS_NUMBER', businessNumber(d))],
  (d) => ['사업자 번호 ', pii('BUSINESS_NUMBER', businessNumber(d)), ' (주)한빛상사입니다'],
];

const BIRTH_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['생년월일', d.pick([' ', ': ', '은 ']), pii('BIRTH_DATE', birthDate(d))],
  (d) => [
    '생일은',
    d.gap(),
    pii('BIRTH_DATE', birthDate(d, { monthDayOnly: d.chance(0.5) })),
    d.gap(),
    '이에요',
  ],
  (d) => ['생년월일 ', pii('BIRTH_DATE', birthDate(d)), ' 입니다'],
  (d) => ['제 생일이 ', pii('BIRTH_DATE', birthDate(d, { monthDayOnly: true })), '인데 생일쿠폰이 안 왔어요'],
  (d) => ['출생일: ', pii('BIRTH_DATE', birthDate(d))],
];

const ADDRESS_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['주소는 ', d.pick(REGIONS), ' ', pii('ADDRESS', roadAddress(d)), d.gap(), '입니다'],
  (d) => ['배송지 ', d.pick(REGIONS), ' ', pii('ADDRESS', roadAddress(d)), '로 변경해주세요'],
  (d) => ['배송지를 ', pii('ADDRESS', roadAddress(d)), '로 바꿔주세요'],
  (d) => [d.pick(REGIONS), ' ', pii('ADDRESS', roadAddress(d))],
  (d) => ['회사 주소 ', d.pick(REGIONS), ' ', pii('ADDRESS', roadAddress(d)), ' 로 보내주세요'],
  (d) => ['지금 사는 곳이 ', d.pick(REGIONS), ' ', pii('ADDRESS', roadAddress(d)), '이에요'],
];

const NAME_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['이름은 ', pii('NAME', personName(d)), '입니다'],
  (d) => ['주문자 이름 ', pii('NAME', personName(d)), ' 으로 되어 있어요'],
  (d) => ['받는 사람 ', pii('NAME', personName(d)), ' 씨요'],
];

const MIXED_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => [
    '이름 ',
    pii('NAME', personName(d)),
    ' / 연락처 ',
    pii('PHONE', phone(d)),
    ' / 주소 ',
    d.pick(REGIONS),
    ' ',
    pii('ADDRESS', roadAddress(d)),
  ],
  (d) => ['주문번호는 ', orderNumber(d), '이고 환불 계좌는 ', ...accountSentence(d)],
  (d) => ['연락처 ', pii('PHONE', phone(d, 'mobile')), ', 이메일 ', pii('EMAIL', email(d))],
  (d) => ['생년월일 ', pii('BIRTH_DATE', birthDate(d)), ', 연락처 ', pii('PHONE', phone(d, 'mobile'))],
];

/** Sentences with numbers that are not personal data. */
const NEGATIVE_SENTENCES: ((dice: Dice) => Sentence)[] = [
  (d) => ['주문번호', d.gap(), orderNumber(d), d.gap(), '확인 부탁드려요'],
  (d) => ['주문번호 ', orderNumber(d), ' 환불 요청합니다'],
  (d) => ['상품번호 ', productCode(d), ' 환불 가능한가요?'],
  (d) => {
    const { carrier, number } = trackingNumber(d);
    return ['운송장번호 ', number, ' ', carrier, ' 조회가 안돼요'];
  },
  (d) => {
    const { carrier, number } = trackingNumber(d);
    return [carrier, ' ', number, ' 배송조회 해보니 아직 집하 전이래요'];
  },
  (d) => ['송장번호', d.gap(), trackingNumber(d).number, '인데 반품 접수 됐나요?'],
  (d) => ['결제 금액이 ', amount(d), '인데 ', amount(d), '만 환불됐어요'],
  (d) => ['환불금액 ', amount(d), ' 언제 입금되나요?'],
  (d) => ['어제 ', timestamp(d), '에 주문했어요'],
  (d) => ['환불 처리 시각이 ', timestamp(d), ' 으로 나와요'],
  (d) => ['고객센터 ', representativeNumber(d), ' 로 전화했는데 안 받아요'],
  (d) => [representativeNumber(d), ' 번호 맞나요?'],
  (d) => ['상품코드 ', productCode(d), ' 재입고 언제 되나요'],
  (d) => ['바코드 ', barcode(d), ' 제품이에요'],
  (d) => ['쿠폰번호 ', couponCode(d), ' 적용이 안돼요'],
  (d) => ['생일 쿠폰은 ', calendarDate(d), '까지 쓸 수 있나요?'],
  (d) => ['생일 축하 쿠폰 ', calendarDate(d), ' 만료라고 나와요'],
  (d) => ['택배로 ', String(d.int(2, 9)), '개 보냈어요'],
  (d) => ['카드로 ', amount(d), ' 결제했는데 영수증이 없어요'],
  (d) => ['마음대로 ', String(d.int(2, 5)), '번 바꿔도 되나요'],
  (d) => ['그대로 ', String(d.int(1, 5)), '개 더 주문할게요'],
  (d) => ['인천공항으로 ', String(d.int(1, 12)), '시까지 가야해요'],
  (d) => ['새로 ', String(d.int(1, 5)), '개 주문했어요'],
  (d) => ['배송 예정일이 ', calendarDate(d), ' 맞나요?'],
  (d) => [calendarDate(d), ' 도착 예정이라고 나오네요'],
  (d) => ['앱 버전 ', appVersion(d), ' 쓰고 있어요'],
  (d) => ['계좌이체로 ', amount(d), ' 입금했어요'],
  (d) => ['결제일시 ', timestamp(d), ' 승인번호 ', d.digits(8)],
];

const NEUTRAL_CUSTOMER = [
  '안녕하세요 문의 드립니다',
  '배송이 너무 늦어요',
  '환불 요청하려고요',
  '네 감사합니다',
  '교환 가능한가요?',
  '사이즈가 안 맞아서요 ㅠㅠ',
  '알겠습니다 기다릴게요',
  '상품이 파손되어 왔어요',
];

function customerSentence(dice: Dice): Sentence {
  const kind = dice.weighted({
    phone: 14,
    email: 8,
    rrn: 9,
    card: 8,
    account: 9,
    passport: 3,
    license: 3,
    business: 3,
    birth: 4,
    address: 6,
    name: 2,
    mixed: 5,
    negative: 22,
    neutral: 8,
  });
  switch (kind) {
    case 'phone':
      return dice.pick(PHONE_SENTENCES)(dice);
    case 'email':
      return dice.pick(EMAIL_SENTENCES)(dice);
    case 'rrn':
      return dice.pick(RRN_SENTENCES)(dice);
    case 'card':
      return dice.pick(CARD_SENTENCES)(dice);
    case 'account':
      return accountSentence(dice);
    case 'passport':
      return dice.pick(PASSPORT_SENTENCES)(dice);
    case 'license':
      return dice.pick(LICENSE_SENTENCES)(dice);
    case 'business':
      return dice.pick(BUSINESS_SENTENCES)(dice);
    case 'birth':
      return dice.pick(BIRTH_SENTENCES)(dice);
    case 'address':
      return dice.pick(ADDRESS_SENTENCES)(dice);
    case 'name':
      return dice.pick(NAME_SENTENCES)(dice);
    case 'mixed':
      return dice.pick(MIXED_SENTENCES)(dice);
    case 'negative':
      return dice.pick(NEGATIVE_SENTENCES)(dice);
    default:
      return [dice.pick(NEUTRAL_CUSTOMER)];
  }
}

// What counselors and bots write --------------------------------------------------------------

function counselorSentence(dice: Dice): Sentence {
  const { carrier, number } = trackingNumber(dice);
  return dice.pick<Sentence>([
    [
      '고객님, 주문번호 ',
      orderNumber(dice),
      ' 확인되었습니다. 환불 금액은 ',
      amount(dice),
      '이며 영업일 기준 3~5일 이내 입금됩니다.',
    ],
    ['운송장번호 ', number, '(', carrier, ')로 ', calendarDate(dice), ' 도착 예정입니다.'],
    ['추가 문의는 고객센터 ', representativeNumber(dice), ' (평일 09:00~18:00)로 연락 주세요.'],
    [pii('NAME', personName(dice)), ' 고객님, 기다려주셔서 감사합니다.'],
    ['말씀하신 연락처 ', pii('PHONE', phone(dice, 'mobile')), ' 로 안내 문자 드렸습니다.'],
    ['쿠폰 ', couponCode(dice), ' 발급해 드렸습니다. 유효기간은 ', calendarDate(dice), '까지입니다.'],
    ['확인해보니 ', timestamp(dice), '에 결제 취소 처리되었습니다.'],
    ['네 고객님, 확인 후 다시 안내드리겠습니다.'],
    ['환불 계좌 확인되었습니다. ', amount(dice), ' 입금 예정입니다.'],
  ]);
}

function memoSentence(dice: Dice): Sentence {
  const { bank, number } = account(dice);
  return dice.pick<Sentence>([
    ['고객 연락처 ', pii('PHONE', phone(dice)), ', 환불계좌 ', bank, ' ', pii('ACCOUNT', number)],
    ['VIP 고객. 주소 ', dice.pick(REGIONS), ' ', pii('ADDRESS', roadAddress(dice))],
    ['재배송 요청 - 송장 ', trackingNumber(dice).number],
    ['본인확인 완료 (주민번호 ', pii('RRN', rrn(dice)), ')'],
  ]);
}

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
