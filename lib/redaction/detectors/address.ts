import type { Detection } from '../types.js';
import { detection } from './context.js';

// A road name (…대로, …로, …길), an optional branch (86길, 570번길), the building number (152, 12-3, 지하 10)…
const ROAD = '[가-힣]{1,12}(?:대로|로|길)(?: ?\\d{1,3}번?길)?';
const BUILDING = '(?:지하 ?)?\\d{1,4}(?:-\\d{1,4})?';
// …then the detail: 101동 1502호, 12층, 1201호, and a parenthesis with the 동 or building name.
const DETAIL =
  '(?: ?,? ?(?:(?:[A-Za-z]?\\d{1,4}|[A-Za-z가-힣])동(?: ?\\d{1,5}호)?|(?:지하 ?|B)?\\d{1,3}층(?: ?\\d{1,5}호)?|\\d{1,5}호))?' +
  '(?: ?\\([^()\\n]{1,40}\\))?';
const ROAD_ADDRESS = new RegExp(
  `(?<![가-힣A-Za-z0-9])(${ROAD}) ?(${BUILDING})(?![0-9])(?!번?길)(${DETAIL})`,
  'g',
);
/** A counter or unit after the number: "택배로 2개", "카드로 5만원", "공항으로 3시", "을지로 3가" are not addresses. */
const UNIT_AFTER =
  /^ ?(?:개|원|만|천|백|명|번(?!지)|회|시|분|초|일|월|년|주|달|km|kg|g|%|위|등|차|장|권|병|박스|세|살|인|건|배|가|마리|켤레|벌|통|봉|팩|대|줄|p|P|배송)/;
/** Words ending in 로/대로/길 that are not roads. */
const NOT_ROADS =
  /^(?:[가-힣]*으로|새로|따로|서로|별로|주로|정말로|실제로|추가로|무료로|유료로|그대로|이대로|저대로|마음대로|맘대로|제대로|멋대로|원래대로|예정대로|순서대로|말씀대로|안내대로|그길|이길|저길|한길|진짜로|앞으로|뒤로|위로|아래로|바로|절대로|억지로|나름대로)$/;
/** The province, city or district just before the road: 서울특별시 강남구 테헤란로 … */
const REGION_BEFORE =
  /(?:[가-힣](?:특별시|광역시|특별자치시|특별자치도|시|도|구|군|읍|면|리)|서울|부산|인천|대구|대전|광주|울산|세종|제주|경기|강원|충북|충남|전북|전남|경북|경남),? ?$/;
const ADDRESS_KEYWORDS = /주소|배송지|사는 ?곳|거주|자택|도로명|수령지|받는 ?곳|이사/;

/**
 * 도로명 addresses from the road name on: road (…대로, …로, …길, with a
 * branch such as 86길 or 570번길), building number and detail (동, 층, 호,
 * the parenthesis). The province, city and district before are kept (they
 * say little about a person). Needs a region before it, an address keyword
 * within 40 characters before, or a detail; a number followed by a counter
 * (2개, 5만원, 3시) is not a building number.
 */
export function detectAddresses(text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(ROAD_ADDRESS)) {
    const [whole, road = '', , detail = ''] = match;
    const end = match.index + whole.length;
    const roadName = road.replace(/ ?\d{1,3}번?길$/, '');
    if (NOT_ROADS.test(roadName)) continue;
    if (detail === '' && UNIT_AFTER.test(text.slice(end, end + 4))) continue;
    const before = text.slice(Math.max(0, match.index - 40), match.index);
    let confidence: number;
    if (REGION_BEFORE.test(before)) confidence = 0.9;
    else if (ADDRESS_KEYWORDS.test(before)) confidence = 0.82;
    else if (detail.trim() !== '') confidence = 0.7;
    else continue;
    if (detail.trim() !== '') confidence += 0.05;
    found.push(detection('ADDRESS', match.index, end, confidence));
  }
  return found;
}
