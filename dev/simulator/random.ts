/**
 * Seeded pseudo-random numbers for the simulator's generated rooms. Never
 * `Math.random`: the same seed must give the same room on every machine.
 */

/** A source of numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * Mulberry32: a small, fast 32-bit generator, good enough for sample data
 * (not for anything secret).
 */
export function createRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return function nextRandom(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit seed derived from text (FNV-1a), so a room id alone can seed its room. */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** An integer in [min, max], both ends included. */
export function randomInt(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: RandomSource, items: readonly [T, ...T[]]): T {
  return items[Math.floor(random() * items.length)] ?? items[0];
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** `length` characters drawn from `alphabet`. */
export function randomText(random: RandomSource, alphabet: string, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) {
    text += alphabet.charAt(Math.floor(random() * alphabet.length));
  }
  return text;
}

/** Mixed-case letters and digits, the alphabet of HappyTalk room ids. */
export function randomAlphanumeric(random: RandomSource, length: number): string {
  return randomText(random, ALPHANUMERIC, length);
}

/** Lowercase hexadecimal digits, as in HappyTalk's image file names. */
export function randomHex(random: RandomSource, length: number): string {
  return randomText(random, HEX, length);
}
