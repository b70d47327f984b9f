/**
 * The kinds of personal data the redactor finds, by priority tier:
 * P0 must never be left in a redacted transcript, P1 should not be, P2
 * (names) is a best effort that is off by default.
 */
export const P0_TYPES = ['RRN', 'PHONE', 'EMAIL', 'CARD', 'ACCOUNT'] as const;
export const P1_TYPES = ['PASSPORT', 'DRIVER_LICENSE', 'BUSINESS_NUMBER', 'BIRTH_DATE', 'ADDRESS'] as const;
export const P2_TYPES = ['NAME'] as const;

/** Every type a detector reports, in the order reports list them. */
export const ENTITY_TYPES = [...P0_TYPES, ...P1_TYPES, ...P2_TYPES] as const;

/**
 * - `RRN`: 주민등록번호 and 외국인등록번호
 * - `PHONE`: mobile, landline, VoIP (070) and safe (050x) numbers
 * - `EMAIL`: e-mail addresses
 * - `CARD`: payment card numbers
 * - `ACCOUNT`: bank account numbers (only beside an account keyword)
 * - `PASSPORT`: Korean passport numbers (only beside 여권)
 * - `DRIVER_LICENSE`: 운전면허 numbers
 * - `BUSINESS_NUMBER`: 사업자등록번호
 * - `BIRTH_DATE`: dates of birth (only beside 생년월일/생일)
 * - `ADDRESS`: 도로명 addresses from the road name on (the city and district are kept)
 * - `NAME`: personal names before honorifics (P2, off by default)
 */
export type EntityType = (typeof ENTITY_TYPES)[number];

export type Tier = 'P0' | 'P1' | 'P2';

const TIERS: Record<EntityType, Tier> = {
  RRN: 'P0',
  PHONE: 'P0',
  EMAIL: 'P0',
  CARD: 'P0',
  ACCOUNT: 'P0',
  PASSPORT: 'P1',
  DRIVER_LICENSE: 'P1',
  BUSINESS_NUMBER: 'P1',
  BIRTH_DATE: 'P1',
  ADDRESS: 'P1',
  NAME: 'P2',
};

export function tierOf(type: EntityType): Tier {
  return TIERS[type];
}

/**
 * One piece of personal data found in a string: where it is (UTF-16 code
 * unit offsets into the original string, end excluded, as JavaScript's
 * `slice` and JSON string indices count) and how sure the detector is.
 * Never the value itself.
 */
export interface Detection {
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
  /** From 0 to 1: how likely the span is what `type` says. */
  readonly confidence: number;
}
