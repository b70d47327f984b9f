/**
 * Hand-written chat lines, labelled inline as `{{TYPE|value}}`: phrasings the
 * generator does not use, written before the detectors were, to check that
 * the figures are not an artefact of the generator's own templates.
 */
import { ENTITY_TYPES, type EntityType } from '../../lib/redaction/types.js';
import type { LabelledText } from './sentences.js';

export const HANDWRITTEN_LINES: readonly string[] = [
  // Telephone numbers
  '제 폰번호 {{PHONE|010 2345 6789}} 이에요 문자주세요',
  '{{PHONE|010.9876.5432}}로 전화 좀 주실래요?',
  '연락처:{{PHONE|01098765432}}',
  '번호는{{PHONE|01012345678}}입니다',
  '집은 {{PHONE|(02)345-6789}}, 사무실은 {{PHONE|031-789-1234}}이에요',
  '받는분 {{PHONE|０１０－３４５６－７８９０}} 입니다',
  '해외라서 {{PHONE|+82 10-4567-8901}} 로 연락 주세요',
  '{{PHONE|+821056781234}} 카톡 친구추가 해주세요',
  '옛날 번호 {{PHONE|011-234-5678}} 말고 {{PHONE|010-8765-4321}}로 바꿔주세요',
  '기사님이 {{PHONE|0504-1234-5678}} 번호로 전화하셨어요',
  '{{PHONE|070‐4321‐8765}} 이게 매장 직통인가요? 제 인터넷 전화입니다',
  '부산 집 {{PHONE|051)742-3456}} 로 연락 부탁',
  '고객센터 1588-1234 는 통화가 안 되고 제 번호 {{PHONE|010-5555-1234}}로 회신 주세요',
  '대표번호 1644-5678 말고 담당자 직통 알려주세요',
  '1577-1234로 전화했더니 080-123-4567 로 하라네요',
  // E-mail
  '메일 {{EMAIL|hong.gildong@naver.com}} 으로 보내주세요',
  '이메일은{{EMAIL|minji_92@hanmail.net}}이에요',
  '{{EMAIL|ｋｉｍ１２３＠ｇｍａｉｌ．ｃｏｍ}} 로 계정 만들었어요',
  '로그인 아이디가 {{EMAIL|SEOJUN.PARK@KAKAO.COM}} 입니다',
  // 주민등록번호, 외국인등록번호
  '주민번호 {{RRN|850315-1234563}} 입니다',
  '주민등록번호는{{RRN|0203154123457}}이에요',
  '아기 주민번호가 {{RRN|210505-3948571}} 인데 등록이 안돼요',
  '외국인등록번호 {{RRN|900101-5123452}}',
  '{{RRN|７５０８２０－２３４５６７３}} 본인 확인 부탁드려요',
  '주민번호 앞자리 {{RRN|960712}} 뒷자리 {{RRN|2123456}}',
  // Cards
  '카드번호 {{CARD|4518-4210-1234-5679}} 결제 취소해주세요',
  '{{CARD|5412 7534 5678 9010}} 이 카드요',
  '결제카드 {{CARD|377512345678907}} 아멕스입니다',
  '체크카드번호{{CARD|9410123456789010}}로 결제했어요',
  // Accounts
  '환불은 {{ACCOUNT|110-345-678901}} 신한으로 해주세요',
  '카카오뱅크 {{ACCOUNT|3333-12-3456789}} 예금주 본인입니다',
  '국민은행{{ACCOUNT|123456-78-901234}}로 입금 부탁드립니다',
  '입금계좌 농협 {{ACCOUNT|302-1234-5678-91}}',
  '토스뱅크 {{ACCOUNT|100012345678}} 으로 돌려주세요',
  '우리은행 계좌로 송금했어요 {{ACCOUNT|1002-456-789012}}',
  '주문번호 2024031512345 환불 계좌는 하나은행 {{ACCOUNT|123-456789-01234}}',
  // Passport, licence, business number
  '여권번호 {{PASSPORT|M12345678}} 로 예약했어요',
  '새 여권이라 번호가 {{PASSPORT|M123A4567}} 이런 식이에요 (여권)',
  '운전면허 {{DRIVER_LICENSE|11-12-345678-90}} 로 렌트했어요',
  '면허번호는 {{DRIVER_LICENSE|서울 95-123456-78}} 입니다',
  '사업자등록번호 {{BUSINESS_NUMBER|220-81-62517}} 로 계산서 부탁드려요',
  '사업자번호{{BUSINESS_NUMBER|1208147521}}',
  // Dates of birth
  '생년월일은 {{BIRTH_DATE|1988년 3월 4일}}입니다',
  '생일 {{BIRTH_DATE|5월 17일}}이에요',
  '생년월일:{{BIRTH_DATE|880304}}',
  // Addresses
  '주소 서울 강남구 {{ADDRESS|테헤란로 427, 12층}} 입니다',
  '배송지는 경기 성남시 분당구 {{ADDRESS|판교역로 235 (삼평동)}} 이에요',
  '부산 해운대구 {{ADDRESS|해운대로570번길 20, 103동 1502호}}로 보내주세요',
  '대전 서구 {{ADDRESS|둔산로 100}}',
  // Names (P2)
  '{{NAME|김민수}} 고객님 맞으신가요?',
  '이름은 {{NAME|이서연}}입니다',
  // Hard negatives: none of these numbers is personal data
  '주문번호 20240312000123 확인 부탁드립니다',
  '주문번호는2024031512345678입니다',
  '운송장번호 641234567890 배송조회가 안돼요',
  'CJ대한통운 6412-3456-7890 아직 배송중이에요',
  '우체국 등기 6012345678901 조회해주세요',
  '결제금액 12,000원 중에 3,500원만 환불됐어요',
  '1,234,500원 결제했는데 카드 승인 내역이 없어요',
  '2024-03-12 14:23:05 에 주문했어요',
  '결제일시 20240312142305',
  '환불 처리일시 2024.03.12 14:23',
  '고객센터 1588-1234, 1577-0000 둘 다 안 받아요',
  '상품코드 P2024031201 재입고 문의',
  '바코드 8801234567893 상품이에요',
  '쿠폰번호 4512-3456-7890-1234 적용이 안돼요',
  '쿠폰코드 WELCOME2025 입력했는데요',
  '3월 15일 도착 예정이라고 나와요',
  '생일 쿠폰 3월 31일까지 맞나요?',
  '택배로 3개 보냈어요',
  '카드로 5만원 결제했어요',
  '모델명 SM-S928N 이에요',
  '앱 버전 5.12.3 입니다',
  '주문번호 1234567890 환불해주세요',
  // Second batch, written after the first run of the detectors and before running them on it
  '{{PHONE|010-1234-5678}} (본인)',
  '{{PHONE|(010)1234-5678}} 로 주세요',
  '연락처 {{PHONE|010 - 9876 - 5432}}',
  '전화번호 {{PHONE|+82-10-9876-5432}} 입니다',
  '사무실 {{PHONE|02-3456-7890}} 내선 123 으로 연락주세요',
  '번호 {{PHONE|010.1234.5678}}, 이메일 {{EMAIL|a.b@c.co.kr}}',
  '주민번호 {{RRN|9001011234568}}',
  '주민 번호 : {{RRN|900101 - 1234568}}',
  '외국인 등록번호는 {{RRN|850203-6123455}} 이에요',
  '카드 {{CARD|5365 1000 1234 5670}}',
  '입금하실 계좌 : 기업은행 {{ACCOUNT|010-123456-01-011}}',
  '생일: {{BIRTH_DATE|1995.7.3}}',
  '주소 : 경기도 수원시 영통구 {{ADDRESS|광교중앙로 145, A동 1203호}}',
  '서울 마포구 {{ADDRESS|양화로 45 메세나폴리스 10층}}',
  '환불금액 35,000원 입금 부탁드려요',
  '2월 3일 택배 도착 예정이고 송장번호는 5012 3456 7890 입니다',
  '오늘 오후 3시 10분쯤 전화 주세요',
];

/**
 * Forms the redactor does not handle, scored apart (no budget): they say what
 * redaction cannot promise. Numbers in Korean words, digits spelled one by
 * one with spaces, a number split over several messages, names without an
 * honorific, lot-number (지번) addresses, local numbers without an area code,
 * obfuscated e-mail addresses.
 */
export const LIMITATION_LINES: readonly string[] = [
  '제 번호는 {{PHONE|공일공 일이삼사 오육칠팔}}이에요',
  '{{PHONE|0 1 0 1 2 3 4 5 6 7 8}} 입니다',
  '저는 {{NAME|홍길동}}이에요',
  '주소는 서울 강남구 {{ADDRESS|역삼동 123-45}} 입니다',
  '집 번호는 {{PHONE|345-6789}} 예요',
  '메일은 {{EMAIL|hong at naver dot com}} 입니다',
  '카드번호 {{CARD|4518/4210/1234/5679}}',
];

const MARK = /\{\{([A-Z_]+)\|([^}]*)\}\}/g;

/** The line without its marks, with the spans the marks labelled. */
export function parseMarkedLine(line: string): LabelledText {
  let text = '';
  const spans: { type: EntityType; start: number; end: number }[] = [];
  let last = 0;
  for (const match of line.matchAll(MARK)) {
    const [whole, type = '', value = ''] = match;
    if (!(ENTITY_TYPES as readonly string[]).includes(type)) throw new Error(`unknown entity type ${type}`);
    text += line.slice(last, match.index);
    spans.push({ type: type as EntityType, start: text.length, end: text.length + value.length });
    text += value;
    last = match.index + whole.length;
  }
  text += line.slice(last);
  return { text, spans };
}
