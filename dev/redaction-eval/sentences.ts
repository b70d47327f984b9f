/**
 * The sentences of the evaluation set: what customers, counselors and bots
 * write, each a list of pieces, the personal-data pieces labelled with their
 * type, the hard negatives (order, tracking, coupon numbers, amounts, dates)
 * among them unlabelled.
 */
import type { EntityType } from '../../lib/redaction/types.js';
import { personName, REGIONS, roadAddress } from './values/addresses-and-names.js';
import type { Dice } from './values/dice.js';
import { birthDate, businessNumber, driverLicense, passport } from './values/documents.js';
import { account, card, email, phone, rrn } from './values/identifiers.js';
import {
  amount,
  appVersion,
  barcode,
  calendarDate,
  couponCode,
  orderNumber,
  productCode,
  representativeNumber,
  timestamp,
  trackingNumber,
} from './values/negatives.js';

export type Piece = string | { readonly type: EntityType; readonly value: string };
export type Sentence = readonly Piece[];

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

export const pii = (type: EntityType, value: string): Piece => ({ type, value });

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

export function customerSentence(dice: Dice): Sentence {
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

export function counselorSentence(dice: Dice): Sentence {
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

export function memoSentence(dice: Dice): Sentence {
  const { bank, number } = account(dice);
  return dice.pick<Sentence>([
    ['고객 연락처 ', pii('PHONE', phone(dice)), ', 환불계좌 ', bank, ' ', pii('ACCOUNT', number)],
    ['VIP 고객. 주소 ', dice.pick(REGIONS), ' ', pii('ADDRESS', roadAddress(dice))],
    ['재배송 요청 - 송장 ', trackingNumber(dice).number],
    ['본인확인 완료 (주민번호 ', pii('RRN', rrn(dice)), ')'],
  ]);
}
