import type { Detection } from '../types.js';
import { detection } from './context.js';

/** Common Korean surnames (about 95% of the population), and the compound ones. */
const SURNAMES = new Set([
  ...'김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉사부황보',
]);
const COMPOUND_SURNAMES = ['남궁', '황보', '제갈', '선우', '독고', '사공', '서문'];
/** Words before an honorific that are roles, not names. */
const NOT_NAMES = new Set([
  '고객',
  '회원',
  '상담',
  '상담사',
  '기사',
  '선생',
  '사장',
  '여러분',
  '관리자',
  '담당자',
  '매니저',
  '직원',
  '손님',
  '사모',
  '형님',
  '언니',
  '누나',
  '오빠',
  '아버',
  '어머',
  '부모',
  '본인',
  '친구',
  '이용자',
  '구매자',
  '판매자',
  '작성자',
  '신청자',
  '수령자',
  '주문자',
  '예약자',
  '방문자',
  '고객센터',
  '이분',
  '그분',
  '저분',
  '한분',
  '이름',
  '성함',
  '예금주',
  '수령인',
  '배송기사',
  '택배기사',
  '기사분',
  '점장',
  '대표',
  '부장',
  '과장',
  '대리',
  '팀장',
  '실장',
  '원장',
  '오늘날',
  '날씨',
  '아가',
]);
const BEFORE_HONORIFIC = /(?<![가-힣])([가-힣]{2,4}) ?(?:고객님|회원님|님|씨)/g;
const AFTER_CUE =
  /(?:(?:주문자|받는 ?분|받는 ?사람|수령인|예금주) ?(?:이름|성함)|이름|성함|예금주|주문자|받는 ?분|받는 ?사람|수령인|수취인)(?:은|는|이|:)? ?([가-힣]{2,4}?)(?=입니다|이에요|이예요|예요|에요|이고|이요|요|씨|님|이|으로|로|,|\s|\)|$|[^가-힣])/g;

/** Nouns a cue may precede instead of a name (`받는 분 연락처`), and particles no name ends with. */
const NOT_NAME_WORDS =
  /^(?:연락처|전화|번호|주소|계좌|이메일|메일|문의|배송|환불|정보|변경|확인)|[는를에의도]$/;

function isLikelyName(candidate: string): boolean {
  if (NOT_NAMES.has(candidate) || NOT_NAME_WORDS.test(candidate)) return false;
  if (COMPOUND_SURNAMES.some((surname) => candidate.startsWith(surname))) return candidate.length >= 3;
  return SURNAMES.has(candidate.charAt(0)) && candidate.length <= 4;
}

/**
 * Personal names (P2, a best effort): 2 to 4 Hangul syllables starting with
 * a common surname, before an honorific (`김민수 고객님`, `이서연님`) or after
 * a cue (`이름은 박지영입니다`, `예금주 홍길동`).
 */
export function detectNames(text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(BEFORE_HONORIFIC)) {
    const name = match[1] ?? '';
    if (!isLikelyName(name)) continue;
    found.push(detection('NAME', match.index, match.index + name.length, 0.7));
  }
  for (const match of text.matchAll(AFTER_CUE)) {
    const name = match[1] ?? '';
    if (!isLikelyName(name)) continue;
    const start = match.index + match[0].length - name.length;
    found.push(detection('NAME', start, start + name.length, 0.75));
  }
  return found;
}
