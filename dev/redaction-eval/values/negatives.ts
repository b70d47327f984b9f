/**
 * Hard negatives: realistic numbers of other kinds (orders, parcels, amounts,
 * timestamps, representative numbers, barcodes, coupons, dates, versions)
 * that a careless detector would take for personal data, and that must survive.
 */
import { type Dice, daysInMonth, fullWidth, twoDigits } from './dice.js';

// Hard negatives: numbers of other kinds ---------------------------------------------------

function yyyymmdd(dice: Dice): string {
  const year = dice.int(2019, 2025);
  const month = dice.int(1, 12);
  return `${year}${twoDigits(month)}${twoDigits(dice.int(1, daysInMonth(year, month)))}`;
}

/** Shop order numbers: date-led, prefixed, or plain serials. */
export function orderNumber(dice: Dice): string {
  switch (dice.weighted({ dateSerial: 30, dateDash: 25, prefixed: 15, plain: 20, long: 10 })) {
    case 'dateSerial':
      return `${yyyymmdd(dice)}${dice.digits(dice.int(5, 8))}`;
    case 'dateDash':
      return `${yyyymmdd(dice)}-${dice.digits(7)}`;
    case 'prefixed':
      return `${dice.pick(['ORD', 'OD', 'NO'])}${yyyymmdd(dice)}${dice.digits(4)}`;
    case 'plain':
      return dice.digits(dice.int(10, 13), '123456789');
    default:
      return `${yyyymmdd(dice)}${dice.digits(8)}`;
  }
}

/** Parcel tracking numbers: CJ, 한진 and 롯데 12 digits, 우체국 13, 로젠 11, sometimes grouped 4-4-4. */
export function trackingNumber(dice: Dice): { carrier: string; number: string } {
  const carrier = dice.pick(['CJ대한통운', '한진택배', '롯데택배', '우체국택배', '로젠택배']);
  const digits =
    carrier === '우체국택배'
      ? `6${dice.digits(12)}`
      : carrier === '로젠택배'
        ? dice.digits(11, '3456789')
        : dice.digits(12, '2345689');
  const grouped = digits.length === 12 && dice.chance(0.3);
  return { carrier, number: grouped ? (digits.match(/.{4}/g) ?? [digits]).join('-') : digits };
}

export function amount(dice: Dice): string {
  const won = dice.int(1, 2_000) * dice.pick([100, 500, 1_000]);
  return dice.pick([
    `${won.toLocaleString('en-US')}원`,
    `${won}원`,
    `₩${won.toLocaleString('en-US')}`,
    `${Math.floor(won / 10_000) || 1}만 ${dice.int(1, 9)}천원`,
    `${won.toLocaleString('en-US')} 원`,
  ]);
}

export function timestamp(dice: Dice): string {
  const date = yyyymmdd(dice);
  const time = `${twoDigits(dice.int(0, 23))}:${twoDigits(dice.int(0, 59))}:${twoDigits(dice.int(0, 59))}`;
  const dashed = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`;
  return dice.pick([
    `${dashed} ${time}`,
    `${date.slice(0, 4)}.${date.slice(4, 6)}.${date.slice(6)} ${time.slice(0, 5)}`,
    `${date}${time.replaceAll(':', '')}`,
    `${dashed}T${time}+09:00`,
    time.slice(0, 5),
  ]);
}

/** 전국대표번호 (15xx, 16xx, 18xx: eight digits, no area code) and 080 free numbers: businesses, not people. */
export function representativeNumber(dice: Dice): string {
  if (dice.chance(0.12)) return `080-${dice.digits(3, '23456789')}-${dice.digits(4)}`;
  const prefix = dice.pick([
    '1588',
    '1577',
    '1544',
    '1566',
    '1600',
    '1644',
    '1661',
    '1670',
    '1688',
    '1800',
    '1899',
  ]);
  const number = `${prefix}${dice.pick(['-', '-', '', ' ', '.'])}${dice.digits(4)}`;
  return dice.chance(0.06) ? fullWidth(number) : number;
}

/** EAN-13 product barcodes of Korean makers (prefix 880), with their check digit. */
export function barcode(dice: Dice): string {
  const body = `880${dice.digits(9)}`;
  let sum = 0;
  for (let index = 0; index < 12; index++) sum += Number(body[index]) * (index % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export function productCode(dice: Dice): string {
  return dice.pick([
    `P${dice.digits(10)}`,
    `SKU-${dice.pick(['A', 'B', 'K'])}${dice.digits(4)}-${dice.digits(4)}`,
    `${dice.pick(['SM-S928N', 'SM-G991N', 'LM-V500N', 'A2894', 'HX-9M12'])}`,
    dice.digits(dice.int(8, 12), '123456789'),
    barcode(dice),
  ]);
}

export function couponCode(dice: Dice): string {
  const letters = () => Array.from({ length: 4 }, () => String.fromCharCode(65 + dice.int(0, 25))).join('');
  return dice.pick([
    `${dice.pick(['WELCOME', 'SPRING', 'BDAY', 'VIP'])}${dice.int(2020, 2026)}`,
    `${letters()}-${letters()}-${dice.digits(4)}`,
    [dice.digits(4, '123456789'), dice.digits(4), dice.digits(4), dice.digits(4)].join('-'),
    [dice.digits(4, '123456789'), dice.digits(4), dice.digits(4)].join(' '),
  ]);
}

/** A calendar date without a year, or with one, as delivery and coupon dates are written. */
export function calendarDate(dice: Dice): string {
  const month = dice.int(1, 12);
  const day = dice.int(1, 28);
  return dice.pick([
    `${month}월 ${day}일`,
    `${month}/${day}`,
    `${twoDigits(month)}/${twoDigits(day)}(${dice.pick(['월', '화', '수', '목', '금'])})`,
    `${dice.int(2024, 2026)}-${twoDigits(month)}-${twoDigits(day)}`,
    `${dice.int(2024, 2026)}.${twoDigits(month)}.${twoDigits(day)}`,
    `${dice.int(2024, 2026)}년 ${month}월 ${day}일`,
  ]);
}

export function appVersion(dice: Dice): string {
  return `${dice.int(1, 12)}.${dice.int(0, 30)}.${dice.int(0, 9)}`;
}
