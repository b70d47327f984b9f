import { describe, expect, it } from 'vitest';
import { fullWidth } from '../../../dev/redaction-eval/values/dice.js';
import { type DetectOptions, detectPii, resolveOverlaps } from '../../../lib/redaction/detect.js';
import { hasBusinessCheckDigit } from '../../../lib/redaction/detectors/business-number.js';
import { cardNetworkOf } from '../../../lib/redaction/detectors/card.js';
import { isCompactTimestamp, passesLuhn } from '../../../lib/redaction/detectors/context.js';
import { hasRrnCheckDigit, isKoreanBarcode, isRrnBirthDate } from '../../../lib/redaction/detectors/rrn.js';

/** What was found, as [type, the text it covers]. */
function found(text: string, options?: DetectOptions): [string, string][] {
  return detectPii(text, options).map((finding) => [finding.type, text.slice(finding.start, finding.end)]);
}

function only(text: string, type: string, options?: DetectOptions): string[] {
  return found(text, options)
    .filter(([foundType]) => foundType === type)
    .map(([, value]) => value);
}

describe('detectPii: 주민등록번호 and 외국인등록번호', () => {
  it('finds numbers with and without the dash, with a space, glued to Hangul', () => {
    expect(found('주민번호 850315-1234566 입니다')).toEqual([['RRN', '850315-1234566']]);
    expect(found('주민등록번호는8503151234566이에요')).toEqual([['RRN', '8503151234566']]);
    expect(found('900101 1234568')).toEqual([['RRN', '900101 1234568']]);
    expect(found('900101 - 1234568 맞나요')).toEqual([['RRN', '900101 - 1234568']]);
  });

  it('finds numbers issued since October 2020, whose last digit is no check digit', () => {
    expect(hasRrnCheckDigit('2105053948571')).toBe(false);
    expect(found('아기 주민번호 210505-3948571')).toEqual([['RRN', '210505-3948571']]);
    expect(found('2105053948571')).toEqual([['RRN', '2105053948571']]);
  });

  it('is surer with a valid check digit, for citizens and for foreigners', () => {
    expect(hasRrnCheckDigit('8503151234566')).toBe(true);
    expect(hasRrnCheckDigit('9001015123452')).toBe(true);
    expect(hasRrnCheckDigit('9001015123458')).toBe(false);
    const [checked] = detectPii('8503151234566');
    const [unchecked] = detectPii('8503151234563');
    expect(checked?.confidence).toBeGreaterThan(unchecked?.confidence ?? 1);
  });

  it('reads the century from the gender digit: 9/0 the 1800s (from 1850), 1/2/5/6 the 1900s, 3/4/7/8 the 2000s', () => {
    expect(isRrnBirthDate('990101', 9)).toBe(true);
    expect(isRrnBirthDate('490101', 0)).toBe(false);
    expect(isRrnBirthDate('000229', 3)).toBe(true);
    expect(isRrnBirthDate('000229', 1)).toBe(false);
    expect(isRrnBirthDate('990101', 3)).toBe(false);
    expect(isRrnBirthDate('851301', 1)).toBe(false);
    expect(isRrnBirthDate('850230', 2)).toBe(false);
    expect(found('외국인등록번호 900101-5123452')).toEqual([['RRN', '900101-5123452']]);
    expect(found('990101-0123456')).toEqual([['RRN', '990101-0123456']]);
  });

  it('reads full-width digits and dash variants, reporting the original characters', () => {
    expect(found(`주민번호 ${fullWidth('750820-2345673')}`)).toEqual([
      ['RRN', '７５０８２０－２３４５６７３'],
    ]);
    expect(found('750820–2345673')).toEqual([['RRN', '750820–2345673']]);
  });

  it('finds the half masked (900101-1******) and the halves written apart beside the keyword', () => {
    expect(found('900101-1****** 입니다')).toEqual([['RRN', '900101-1******']]);
    expect(found('주민번호 앞자리 960712 뒷자리 2123456')).toEqual([
      ['RRN', '960712'],
      ['RRN', '2123456'],
    ]);
    expect(found('앞자리 960712 뒷자리 2123456')).toEqual([]);
  });

  it('leaves dates that are no birth date, longer runs and numbers inside codes', () => {
    expect(found('2024031512345')).toEqual([]);
    expect(found('85031512345661')).toEqual([]);
    expect(found('A8503151234566')).toEqual([]);
    expect(found('12-850315-1234566')).toEqual([]);
  });

  it('leaves an order or parcel number failing the check and Korean barcodes', () => {
    expect(hasRrnCheckDigit('8801161866229')).toBe(false);
    expect(isKoreanBarcode('8801161866229')).toBe(true);
    expect(found('8801161866229')).toEqual([]);
    expect(found('주문번호 8503151234563')).toEqual([]);
    expect(found('바코드 8809199418397 제품')).toEqual([]);
    expect(found('주민번호 8801161866229')).toEqual([['RRN', '8801161866229']]);
  });
});

describe('detectPii: telephone numbers', () => {
  it.each([
    ['010-1234-5678'],
    ['010.1234.5678'],
    ['010 1234 5678'],
    ['01012345678'],
    ['011-234-5678'],
    ['016-2345-6789'],
    ['019 234 5678'],
    ['(010)1234-5678'],
    ['010 - 9876 - 5432'],
    ['02-345-6789'],
    ['(02) 345-6789'],
    ['051)742-3456'],
    ['031-789-1234'],
    ['064-712-3456'],
    ['0223456789'],
    ['070-4321-8765'],
    ['0504-1234-5678'],
    ['0505-123-4567'],
    ['050-1234-5678'],
    ['+82 10-4567-8901'],
    ['+82-10-4567-8901'],
    ['+821045678901'],
    ['+82 (0)10-4567-8901'],
    ['+82 2-345-6789'],
    ['0082-10-4567-8901'],
  ])('finds %s', (number) => {
    expect(found(`연락처 ${number} 입니다`)).toEqual([['PHONE', number]]);
  });

  it('finds numbers glued to Hangul, in full width and with dash variants', () => {
    expect(found('번호는01012345678입니다')).toEqual([['PHONE', '01012345678']]);
    expect(found('０１０－３４５６－７８９０로')).toEqual([['PHONE', '０１０－３４５６－７８９０']]);
    expect(found('010‐4321‐8765')).toEqual([['PHONE', '010‐4321‐8765']]);
    expect(found('010ㅡ4321ㅡ8765')).toEqual([['PHONE', '010ㅡ4321ㅡ8765']]);
    expect(found('010\u200b4321\u200b8765')).toEqual([['PHONE', '010\u200b4321\u200b8765']]);
  });

  it('leaves representative numbers (15xx, 16xx, 18xx), 080 numbers and unknown prefixes', () => {
    for (const number of [
      '1588-1234',
      '15881234',
      '1644-5678',
      '1800-1234',
      '1577 0000',
      '080-123-4567',
      '012-345-6789',
    ]) {
      expect(found(`고객센터 ${number} 로 전화주세요`)).toEqual([]);
    }
  });

  it('leaves numbers of the wrong length and numbers inside longer ones', () => {
    expect(found('010-123-45')).toEqual([]);
    expect(found('010123456789')).toEqual([]);
    expect(found('12010-1234-5678')).toEqual([]);
    expect(found('010-1234-5678-9')).toEqual([]);
    expect(found('SKU01012345678')).toEqual([]);
    expect(found('02-1234-5678')).toEqual([]);
  });
});

describe('detectPii: e-mail addresses', () => {
  it('finds addresses alone, glued to Hangul, full-width, upper case', () => {
    expect(found('hong.gildong@naver.com')).toEqual([['EMAIL', 'hong.gildong@naver.com']]);
    expect(found('이메일은minji_92@hanmail.net이에요')).toEqual([['EMAIL', 'minji_92@hanmail.net']]);
    expect(found('ｋｉｍ１２３＠ｇｍａｉｌ．ｃｏｍ 로')).toEqual([
      ['EMAIL', 'ｋｉｍ１２３＠ｇｍａｉｌ．ｃｏｍ'],
    ]);
    expect(found('SEOJUN.PARK@KAKAO.COM')).toEqual([['EMAIL', 'SEOJUN.PARK@KAKAO.COM']]);
    expect(found('a.b+shop@snu.ac.kr.')).toEqual([['EMAIL', 'a.b+shop@snu.ac.kr']]);
  });

  it('finds percent-encoded addresses in URLs, reporting the encoded span', () => {
    const url = 'https://shop.example.co.kr/account?email=minsu%40naver.com&lang=ko';
    expect(found(url)).toEqual([['EMAIL', 'minsu%40naver.com']]);
  });

  it('leaves handles, local parts without a domain and domains without a dot', () => {
    expect(found('@happytalk 공식 계정')).toEqual([]);
    expect(found('minsu@ 입니다')).toEqual([]);
    expect(found('user@localhost')).toEqual([]);
  });
});

describe('detectPii: card numbers', () => {
  it('checks Luhn and the networks prefixes and lengths', () => {
    expect(passesLuhn('4518421012345679')).toBe(true);
    expect(passesLuhn('4518421012345675')).toBe(false);
    expect(cardNetworkOf('4518421012345679')).toBe('visa');
    expect(cardNetworkOf('5412753456789010')).toBe('mastercard');
    expect(cardNetworkOf('2221000000000009')).toBe('mastercard');
    expect(cardNetworkOf('377512345678907')).toBe('amex');
    expect(cardNetworkOf('3528000000000007')).toBe('jcb');
    expect(cardNetworkOf('6212345678901232')).toBe('unionpay');
    expect(cardNetworkOf('9410123456789010')).toBe('domestic');
    expect(cardNetworkOf('2024031200012345')).toBeUndefined();
    expect(cardNetworkOf('6012345678901')).toBeUndefined();
  });

  it('finds grouped and bare numbers, 15-digit Amex in 4-6-5, domestic cards beside 카드', () => {
    expect(found('4518-4210-1234-5679')).toEqual([['CARD', '4518-4210-1234-5679']]);
    expect(found('4518 4210 1234 5679 이 카드요')).toEqual([['CARD', '4518 4210 1234 5679']]);
    expect(found('4518421012345679')).toEqual([['CARD', '4518421012345679']]);
    expect(found('3775 123456 78907')).toEqual([['CARD', '3775 123456 78907']]);
    expect(found('체크카드번호9410123456789010로')).toEqual([['CARD', '9410123456789010']]);
    expect(found('9410123456789010')).toEqual([]);
    expect(found(fullWidth('4518421012345679'))).toEqual([['CARD', fullWidth('4518421012345679')]]);
  });

  it('keeps a grouped number failing Luhn only beside a card keyword', () => {
    expect(found('카드번호 4518-4210-1234-5675')).toEqual([['CARD', '4518-4210-1234-5675']]);
    expect(found('4518-4210-1234-5675')).toEqual([]);
  });

  it('leaves coupon numbers, order numbers and parcel numbers', () => {
    expect(found('쿠폰번호 4512-3456-7890-1234 적용이 안돼요')).toEqual([]);
    expect(found('주문번호 4518421012345679')).toEqual([]);
    expect(found('주문번호는2024031512345678입니다')).toEqual([]);
    expect(found('6012345678901')).toEqual([]);
  });
});

describe('detectPii: bank account numbers', () => {
  it.each([
    ['환불은 110-345-678901 신한으로 해주세요', '110-345-678901'],
    ['카카오뱅크 3333-12-3456789 예금주 본인입니다', '3333-12-3456789'],
    ['국민은행123456-78-901234로 입금 부탁드립니다', '123456-78-901234'],
    ['입금계좌 농협 302-1234-5678-91', '302-1234-5678-91'],
    ['토스뱅크 100012345678 으로 돌려주세요', '100012345678'],
    ['우리은행 계좌로 송금했어요 1002-456-789012', '1002-456-789012'],
    ['하나 123-456789-01234', '123-456789-01234'],
    ['1234567890123 으로 송금했습니다', '1234567890123'],
  ])('finds the number beside an account keyword: %s', (text, number) => {
    expect(found(text)).toEqual([['ACCOUNT', number]]);
  });

  it('needs a keyword, and an everyday-word bank name right beside the number', () => {
    expect(found('110-345-678901')).toEqual([]);
    expect(found('1234567890123')).toEqual([]);
    expect(found('우리 아이가 쓰던 번호 1234567890123 이에요')).toEqual([]);
  });

  it('leaves order and parcel numbers even with 환불 near, amounts and compact timestamps', () => {
    expect(found('주문번호 1234567890 환불해주세요')).toEqual([]);
    expect(found('주문번호 2024031512345 환불 계좌는 하나은행 123-456789-01234')).toEqual([
      ['ACCOUNT', '123-456789-01234'],
    ]);
    expect(found('우체국 등기 6012345678901 조회해주세요')).toEqual([]);
    expect(found('환불금액 35,000원 입금 예정')).toEqual([]);
    expect(isCompactTimestamp('20240312142305')).toBe(true);
    expect(found('환불 처리 시각 20240312142305')).toEqual([]);
    expect(found('환불 20240312142305 으로 나와요')).toEqual([]);
  });

  it('gives a phone number beside 연락처 to PHONE, not ACCOUNT', () => {
    expect(found('고객 연락처 0442853670, 환불계좌')).toEqual([['PHONE', '0442853670']]);
  });
});

describe('detectPii: passports, licences, business numbers', () => {
  it('finds passport numbers of both formats beside 여권 only', () => {
    expect(found('여권번호 M12345678 로 예약')).toEqual([['PASSPORT', 'M12345678']]);
    expect(found('새 여권 M123A4567 입니다')).toEqual([['PASSPORT', 'M123A4567']]);
    expect(found('S12345678 (여권)')).toEqual([['PASSPORT', 'S12345678']]);
    expect(found('M12345678 로 예약')).toEqual([]);
    expect(found('여권 XM12345678')).toEqual([]);
  });

  it('finds licence numbers of regions 11–26 and 28, and the Hangul-region form', () => {
    expect(found('11-12-345678-90')).toEqual([['DRIVER_LICENSE', '11-12-345678-90']]);
    expect(found('면허번호 28-95-123456-01')).toEqual([['DRIVER_LICENSE', '28-95-123456-01']]);
    expect(found('면허번호 119512345601')).toEqual([['DRIVER_LICENSE', '119512345601']]);
    expect(found('면허번호는 서울 95-123456-78 입니다')).toEqual([['DRIVER_LICENSE', '서울 95-123456-78']]);
    expect(found('27-12-345678-90')).toEqual([]);
    expect(found('119512345601')).toEqual([]);
  });

  it('finds 사업자등록번호 with a valid check digit', () => {
    expect(hasBusinessCheckDigit('2208162517')).toBe(true);
    expect(hasBusinessCheckDigit('2208162518')).toBe(false);
    expect(found('220-81-62517')).toEqual([['BUSINESS_NUMBER', '220-81-62517']]);
    expect(found('사업자번호1208147521')).toEqual([['BUSINESS_NUMBER', '1208147521']]);
    expect(found('1208147521')).toEqual([]);
    expect(found('220-81-62518')).toEqual([]);
    expect(found('사업자번호 220-81-62518')).toEqual([['BUSINESS_NUMBER', '220-81-62518']]);
  });
});

describe('detectPii: dates of birth', () => {
  it.each([
    ['생년월일 1990-01-15', '1990-01-15'],
    ['생년월일은 1988년 3월 4일입니다', '1988년 3월 4일'],
    ['생일 5월 17일이에요', '5월 17일'],
    ['생년월일:880304', '880304'],
    ['출생일: 19900115', '19900115'],
    ['생일: 1995.7.3', '1995.7.3'],
    ['1990년 1월 1일생 입니다', '1990년 1월 1일'],
  ])('finds the date in %s', (text, date) => {
    expect(found(text)).toEqual([['BIRTH_DATE', date]]);
  });

  it('leaves birthday coupons, delivery dates and impossible dates', () => {
    expect(found('생일 쿠폰은 3월 31일까지 맞나요?')).toEqual([]);
    expect(found('생일 축하 쿠폰 2025-03-01 만료')).toEqual([]);
    expect(found('3월 15일 도착 예정')).toEqual([]);
    expect(found('2024-03-15 배송 예정')).toEqual([]);
    expect(found('생년월일 1990-13-45')).toEqual([]);
  });
});

describe('detectPii: road addresses', () => {
  it.each([
    ['서울 강남구 테헤란로 427, 12층 입니다', '테헤란로 427, 12층'],
    ['경기 성남시 분당구 판교역로 235 (삼평동) 이에요', '판교역로 235 (삼평동)'],
    ['부산 해운대구 해운대로570번길 20, 103동 1502호로 보내주세요', '해운대로570번길 20, 103동 1502호'],
    ['대전 서구 둔산로 100', '둔산로 100'],
    ['서울 강남구 봉은사로86길 20-3', '봉은사로86길 20-3'],
    ['배송지를 올림픽로 300, 101동 1203호로 바꿔주세요', '올림픽로 300, 101동 1203호'],
    ['주소 : 경기도 수원시 영통구 광교중앙로 145, A동 1203호', '광교중앙로 145, A동 1203호'],
  ])('finds %s', (text, address) => {
    expect(found(text)).toEqual([['ADDRESS', address]]);
  });

  it('leaves words ending in 로 before counters, and roads without any sign of an address', () => {
    for (const text of [
      '택배로 2개 보냈어요',
      '카드로 5만원 결제했어요',
      '마음대로 3번 바꿔도 되나요',
      '인천공항으로 3시까지',
      '을지로 3가역에서 만나요',
      '새로 2개 주문했어요',
      '종로 5',
      '주소가 택배로 3개',
    ]) {
      expect(found(text)).toEqual([]);
    }
  });
});

describe('detectPii: names (P2)', () => {
  it('is off by default', () => {
    expect(found('김민수 고객님 맞으신가요?')).toEqual([]);
  });

  it('finds names before honorifics and after cues', () => {
    const names = { names: true };
    expect(found('김민수 고객님 맞으신가요?', names)).toEqual([['NAME', '김민수']]);
    expect(found('이서연님 안녕하세요', names)).toEqual([['NAME', '이서연']]);
    expect(found('이름은 박지영입니다', names)).toEqual([['NAME', '박지영']]);
    expect(found('주문자 이름 이서진 으로 되어 있어요', names)).toEqual([['NAME', '이서진']]);
    expect(found('남궁민수 씨', names)).toEqual([['NAME', '남궁민수']]);
  });

  it('leaves roles and words before honorifics', () => {
    const names = { names: true };
    expect(found('고객님 상담사님 기사님 선생님', names)).toEqual([]);
    expect(found('추가 문의는 고객센터로', names)).toEqual([]);
    expect(found('받는 분 연락처 알려주세요', names)).toEqual([]);
  });
});

describe('detectPii: hard negatives', () => {
  it.each([
    ['주문번호 20240312000123 확인 부탁드립니다'],
    ['주문번호 ORD202403121234'],
    ['20240312-0001234 주문'],
    ['운송장번호 641234567890 배송조회가 안돼요'],
    ['CJ대한통운 6412-3456-7890 아직 배송중'],
    ['결제금액 12,000원 중에 3,500원만 환불됐어요'],
    ['₩1,234,500 결제'],
    ['2024-03-12 14:23:05 에 주문했어요'],
    ['2024-03-12T14:23:05+09:00'],
    ['결제일시 20240312142305 승인번호 12345678'],
    ['고객센터 1588-1234, 1577-0000'],
    ['상품코드 P2024031201 재입고'],
    ['모델명 SM-S928N'],
    ['쿠폰코드 WELCOME2025'],
    ['ABCD-EFGH-1234'],
    ['3월 15일 도착 예정이라고 나와요'],
    ['03/15(금) 도착'],
    ['앱 버전 5.12.3'],
    ['192.168.0.1'],
    ['https://static.happytalk.io/data/chat_data/2022_03_25/0a1b2c3d4e5f60718293a4b5c6d7e8f9_w.png'],
  ])('leaves %s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('detectPii: robustness', () => {
  it('reads long adversarial strings in one pass each (no backtracking blow-up)', () => {
    const long = 100_000;
    expect(found('0'.repeat(long))).toEqual([]);
    expect(found('0-'.repeat(long / 2))).toEqual([]);
    expect(found('1 '.repeat(long / 2))).toEqual([]);
    expect(found(`${'가'.repeat(long)}로 1`)).toEqual([]);
    expect(found('a'.repeat(long))).toEqual([]);
    expect(found('a@'.repeat(long / 2))).toEqual([]);
    expect(found(`${'a.'.repeat(long / 2)}@b`)).toEqual([]);
    expect(found('%41'.repeat(long / 3))).toEqual([]);
    expect(found(`생일 1${'1'.repeat(10)}`.repeat(long / 14))).toEqual([]);
    const repeated = '연락처 010-1234-5678 주문번호 2024031212345 '.repeat(2_000);
    expect(only(repeated, 'PHONE')).toHaveLength(2_000);
    expect(found(repeated)).toHaveLength(2_000);
  });

  it('keeps the surer of overlapping findings, then the type of higher precedence', () => {
    expect(
      resolveOverlaps(
        [
          { type: 'ACCOUNT', start: 0, end: 13, confidence: 0.9 },
          { type: 'PHONE', start: 0, end: 13, confidence: 0.9 },
          { type: 'RRN', start: 10, end: 20, confidence: 0.95 },
          { type: 'EMAIL', start: 30, end: 40, confidence: 0.99 },
        ],
        40,
      ),
    ).toEqual([
      { type: 'RRN', start: 10, end: 20, confidence: 0.95 },
      { type: 'EMAIL', start: 30, end: 40, confidence: 0.99 },
    ]);
    expect(
      resolveOverlaps(
        [
          { type: 'ACCOUNT', start: 0, end: 13, confidence: 0.9 },
          { type: 'PHONE', start: 0, end: 13, confidence: 0.9 },
        ],
        13,
      ),
    ).toEqual([{ type: 'PHONE', start: 0, end: 13, confidence: 0.9 }]);
  });

  it('drops findings below the minimum confidence', () => {
    expect(found('주민번호 850315-1234566', { minConfidence: 0.999 })).toEqual([]);
  });
});
