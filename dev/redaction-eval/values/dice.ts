/**
 * Values for the evaluation set are written from each format's own definition
 * (not from the detectors): every value of a personal-data type is valid by
 * its issuer's rules, and every hard negative is a realistic number of
 * another kind that a careless detector would take for one.
 *
 * This module holds the seeded dice they are drawn with, and the ways people
 * write numbers: full-width digits, other dashes, separators.
 */
import { createRandom, type RandomSource, randomHex } from '../../simulator/random.js';

/** A seeded source of choices. Never `Math.random`: the same seed gives the same set everywhere. */
export class Dice {
  readonly #random: RandomSource;

  constructor(seed: number) {
    this.#random = createRandom(seed);
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.#random() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One of the keys, chosen in proportion to its weight. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.#random() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    const last = entries.at(-1);
    if (last === undefined) throw new Error('weighted choice from nothing');
    return last[0];
  }

  /** `count` decimal digits; the first one from `first` when given. */
  digits(count: number, first = '0123456789'): string {
    let text = count > 0 ? this.pick([...first]) : '';
    for (let index = 1; index < count; index++) text += String(this.int(0, 9));
    return text;
  }

  hex(length: number): string {
    return randomHex(this.#random, length);
  }

  /** A space or nothing: Korean chat often glues numbers to the words around them. */
  gap(glued = 0.35): string {
    return this.chance(glued) ? '' : ' ';
  }
}

const FULL_WIDTH_OFFSET = 0xfee0;

/** The value with its ASCII digits, letters and `-@.+()` written full-width, as some Korean IMEs type them. */
export function fullWidth(value: string): string {
  return value.replace(/[0-9A-Za-z\-@.+()]/g, (character) =>
    String.fromCharCode((character.codePointAt(0) ?? 0) + FULL_WIDTH_OFFSET),
  );
}

/** Dashes other than U+002D that people (and word processors) put in numbers. */
export const DASH_VARIANTS = ['‐', '‑', '–', '—', '―', '−', '－', '﹣'] as const;

/** Joins groups with one separator, sometimes written full-width or as another dash. */
export function joined(dice: Dice, groups: readonly string[], separator: string): string {
  const text = groups.join(separator);
  if (dice.chance(0.06)) return fullWidth(text);
  if (separator === '-' && dice.chance(0.08)) return groups.join(dice.pick(DASH_VARIANTS));
  return text;
}

export function separatorOf(dice: Dice, weights: Readonly<Record<string, number>>): string {
  const choice = dice.weighted(weights);
  return choice === 'none' ? '' : choice === 'space' ? ' ' : choice;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}
