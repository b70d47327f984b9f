import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { evaluate, valueAt } from '../../../dev/redaction-eval/evaluate.js';
import {
  DEVELOPMENT_SEED,
  type EvalCase,
  generateEvalSet,
  HELD_OUT_SEED,
  singleMessageCase,
} from '../../../dev/redaction-eval/generator.js';
import { parseMarkedLine } from '../../../dev/redaction-eval/handwritten.js';
import { BUDGETS, evaluationMarkdown, runEvaluation } from '../../../dev/redaction-eval/report.js';
import { cardNetworkOf } from '../../../lib/redaction/detectors/card.js';
import { passesLuhn } from '../../../lib/redaction/detectors/context.js';
import { hasRrnCheckDigit, isRrnBirthDate } from '../../../lib/redaction/detectors/rrn.js';
import { matchTextOf } from '../../../lib/redaction/text.js';

/** The labelled values of a set, by type, full-width forms folded. */
function labelledValues(cases: readonly EvalCase[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const evalCase of cases) {
    for (const span of evalCase.spans) {
      const container = valueAt(evalCase.transcript, span.path);
      const text = span.jsonPath ? valueAt(JSON.parse(String(container)), span.jsonPath) : container;
      const value = matchTextOf(String(text).slice(span.start, span.end)).text;
      values.set(span.type, [...(values.get(span.type) ?? []), value]);
    }
  }
  return values;
}

describe('the evaluation set', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const first = generateEvalSet('a', DEVELOPMENT_SEED, 20);

    expect(generateEvalSet('a', DEVELOPMENT_SEED, 20)).toEqual(first);
    expect(generateEvalSet('a', HELD_OUT_SEED, 20).cases[0]?.transcript).not.toEqual(
      first.cases[0]?.transcript,
    );
  });

  it('labels valid values of each format, including numbers issued since 2020 and full-width ones', () => {
    const { cases } = generateEvalSet('development', DEVELOPMENT_SEED, 200);
    const values = labelledValues(cases);

    const cards = (values.get('CARD') ?? []).map((value) => value.replace(/\D/g, ''));
    expect(cards.every((digits) => passesLuhn(digits) && cardNetworkOf(digits) !== undefined)).toBe(true);
    const rrns = (values.get('RRN') ?? []).map((value) => value.replace(/\D/g, ''));
    expect(rrns.every((digits) => isRrnBirthDate(digits.slice(0, 6), Number(digits[6])))).toBe(true);
    expect(rrns.some((digits) => !hasRrnCheckDigit(digits))).toBe(true);
    expect(rrns.some((digits) => ['5', '6', '7', '8'].includes(digits[6] ?? ''))).toBe(true);
    const phones = values.get('PHONE') ?? [];
    expect(phones.some((value) => value.startsWith('+82'))).toBe(true);
    expect(phones.some((value) => /^050[2-8]/.test(value))).toBe(true);
    const allText = JSON.stringify(cases.map((evalCase) => evalCase.transcript));
    expect(allText).toMatch(/[０-９]/);
    expect(allText).toMatch(/번호는01[016789]/);
    expect(allText).toMatch(/1588|1577|1644/);
  });

  it('points every label at a non-empty value of its string', () => {
    const { cases } = generateEvalSet('development', DEVELOPMENT_SEED, 50);

    for (const [type, values] of labelledValues(cases)) {
      expect(values.length, type).toBeGreaterThan(0);
      expect(
        values.every((value) => value.trim() !== ''),
        type,
      ).toBe(true);
    }
  });
});

describe('evaluate', () => {
  it('scores a miss, a false alarm and a leak', () => {
    const cases = [
      singleMessageCase(parseMarkedLine('번호 {{PHONE|공일공 일이삼사}} 입니다'), 0),
      singleMessageCase(parseMarkedLine('{{PHONE|010-1234-5678}} 그리고 02-345-6789'), 1),
      singleMessageCase(parseMarkedLine('메일 {{EMAIL|a@b.com}}'), 2),
    ];

    const result = evaluate('scorer', cases, { names: false });

    const phone = result.byType.find((score) => score.type === 'PHONE');
    expect(phone).toMatchObject({
      labelled: 4,
      found: 2,
      reported: 4,
      right: 2,
      precision: 0.5,
      recall: 0.5,
    });
    expect(phone?.f2).toBeCloseTo(0.5);
    expect(result.byType.find((score) => score.type === 'EMAIL')).toMatchObject({ precision: 1, recall: 1 });
    expect(result.leakedTranscripts).toBe(1);
    expect(result.leakRate).toBeCloseTo(1 / 3);
    expect(result.misses.map((miss) => miss.room)).toEqual(['line00000', 'line00000']);
  });
});

describe('npm run eval:redaction', () => {
  const evaluation = runEvaluation();

  it('meets the budgets on the development, held-out and hand-written sets', () => {
    expect(evaluation.failures).toEqual([]);
    for (const set of evaluation.sets.filter((candidate) => candidate.budgeted)) {
      expect(set.result.tiers.P0.recall, set.title).toBeGreaterThanOrEqual(BUDGETS.p0Recall);
      expect(set.result.tiers.P0.precision, set.title).toBeGreaterThanOrEqual(BUDGETS.p0Precision);
      expect(set.result.leakRate, set.title).toBe(0);
    }
  });

  it('reports the known limitations as misses', () => {
    const limitations = evaluation.sets.find((set) => set.title === 'limitations');

    expect(limitations?.budgeted).toBe(false);
    expect(limitations?.result.tiers.P0.recall).toBe(0);
  });

  it('has written docs/redaction-eval.md from the current figures', async () => {
    const written = await readFile(new URL('../../../docs/redaction-eval.md', import.meta.url), 'utf8');

    expect(written).toBe(evaluationMarkdown(evaluation));
  });
});
