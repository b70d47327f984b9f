/**
 * Span-level scoring of the redactor on a labelled set.
 *
 * - Recall, per labelled span: found when spans of its type cover every
 *   letter and digit of it (separators and brackets at the edges may differ).
 * - Precision, per reported span: right when it overlaps a labelled span of
 *   its type in the same string.
 * - Exact: labelled spans reported with exactly their boundaries (informative).
 * - Leak rate: the share of transcripts where some letter or digit of a P0
 *   span is left unmasked (by a finding of any type).
 */
import { explainTranscript, type Finding } from '../../lib/redaction/redact.js';
import { ENTITY_TYPES, type EntityType, tierOf } from '../../lib/redaction/types.js';
import type { EvalCase, LabelledSpan } from './generator.js';

export interface TypeScore {
  readonly type: EntityType;
  readonly labelled: number;
  readonly reported: number;
  readonly found: number;
  readonly right: number;
  readonly exact: number;
  readonly precision: number;
  readonly recall: number;
  readonly f2: number;
}

export interface EvalResult {
  readonly name: string;
  readonly transcripts: number;
  readonly strings: number;
  readonly byType: readonly TypeScore[];
  readonly tiers: Readonly<Record<'P0' | 'P1' | 'P2', Omit<TypeScore, 'type'>>>;
  readonly leakedTranscripts: number;
  readonly leakRate: number;
  /** Where P0 was left, for debugging: path, type, offsets; never the value. */
  readonly misses: readonly { room: string; path: string; type: EntityType; start: number; end: number }[];
  readonly falsePositives: readonly {
    room: string;
    path: string;
    type: EntityType;
    start: number;
    end: number;
  }[];
}

interface Tally {
  labelled: number;
  reported: number;
  found: number;
  right: number;
  exact: number;
}

const ALPHANUMERIC = /[\p{L}\p{N}]/u;

function keyOf(span: { path: string; jsonPath?: string; json_path?: string }): string {
  return `${span.path}\u0000${span.jsonPath ?? span.json_path ?? ''}`;
}

/** Whether every letter and digit of `[start, end)` of `text` lies in one of `covers`. */
function covered(
  text: string | undefined,
  span: { start: number; end: number },
  covers: readonly { start: number; end: number }[],
): boolean {
  for (let index = span.start; index < span.end; index++) {
    if (text !== undefined && !ALPHANUMERIC.test(text.charAt(index))) continue;
    if (!covers.some((cover) => cover.start <= index && index < cover.end)) return false;
  }
  return true;
}

/** Scores the redactor (default options, and names on for P2) on a labelled set. */
export function evaluate(name: string, cases: readonly EvalCase[], options: { names: boolean }): EvalResult {
  const tallies = new Map<EntityType, Tally>(
    ENTITY_TYPES.map((type) => [type, { labelled: 0, reported: 0, found: 0, right: 0, exact: 0 }]),
  );
  let leaked = 0;
  let strings = 0;
  const misses: EvalResult['misses'][number][] = [];
  const falsePositives: EvalResult['falsePositives'][number][] = [];
  for (const evalCase of cases) {
    const findings = explainTranscript(evalCase.transcript, { detect: { names: options.names } }).filter(
      (finding): finding is Finding & { type: EntityType } =>
        (ENTITY_TYPES as readonly string[]).includes(finding.type),
    );
    const texts = stringsOf(evalCase);
    strings += texts.size;
    const reportedByKey = groupBy(findings, keyOf);
    const labelledByKey = groupBy(evalCase.spans, keyOf);
    let leaks = false;
    for (const [key, spans] of labelledByKey) {
      const reported = reportedByKey.get(key) ?? [];
      const text = texts.get(key);
      for (const span of spans) {
        const tally = tallies.get(span.type);
        if (!tally) continue;
        tally.labelled += 1;
        const sameType = reported.filter((finding) => finding.type === span.type);
        if (covered(text, span, sameType)) tally.found += 1;
        if (sameType.some((finding) => finding.start === span.start && finding.end === span.end))
          tally.exact += 1;
        if (tierOf(span.type) === 'P0' && !covered(text, span, reported)) {
          leaks = true;
          misses.push({
            room: evalCase.transcript.room_id,
            path: displayKey(span),
            type: span.type,
            ...range(span),
          });
        }
      }
    }
    for (const [key, reported] of reportedByKey) {
      const labelled = labelledByKey.get(key) ?? [];
      for (const finding of reported) {
        const tally = tallies.get(finding.type);
        if (!tally) continue;
        tally.reported += 1;
        const right = labelled.some(
          (span) => span.type === finding.type && span.start < finding.end && finding.start < span.end,
        );
        if (right) tally.right += 1;
        else {
          falsePositives.push({
            room: evalCase.transcript.room_id,
            path: displayKey({ path: finding.path, jsonPath: finding.json_path }),
            type: finding.type,
            ...range(finding),
          });
        }
      }
    }
    if (leaks) leaked += 1;
  }
  const byType = ENTITY_TYPES.map((type) => score(type, tallies.get(type)));
  const tier = (wanted: 'P0' | 'P1' | 'P2') => {
    const sum: Tally = { labelled: 0, reported: 0, found: 0, right: 0, exact: 0 };
    for (const type of ENTITY_TYPES.filter((candidate) => tierOf(candidate) === wanted)) {
      const tally = tallies.get(type);
      if (!tally) continue;
      sum.labelled += tally.labelled;
      sum.reported += tally.reported;
      sum.found += tally.found;
      sum.right += tally.right;
      sum.exact += tally.exact;
    }
    const { type: _type, ...rest } = score('RRN', sum);
    return rest;
  };
  return {
    name,
    transcripts: cases.length,
    strings,
    byType,
    tiers: { P0: tier('P0'), P1: tier('P1'), P2: tier('P2') },
    leakedTranscripts: leaked,
    leakRate: cases.length === 0 ? 0 : leaked / cases.length,
    misses,
    falsePositives,
  };
}

function score(type: EntityType, tally: Tally | undefined): TypeScore {
  const counts = tally ?? { labelled: 0, reported: 0, found: 0, right: 0, exact: 0 };
  const precision = counts.reported === 0 ? 1 : counts.right / counts.reported;
  const recall = counts.labelled === 0 ? 1 : counts.found / counts.labelled;
  const f2 = precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
  return { type, ...counts, precision, recall, f2 };
}

function range(span: { start: number; end: number }): { start: number; end: number } {
  return { start: span.start, end: span.end };
}

function displayKey(span: { path: string; jsonPath?: string | undefined }): string {
  return span.jsonPath ? `${span.path} ${span.jsonPath}` : span.path;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** The labelled strings of a case, by key, read from its transcript (JSON strings parsed). */
function stringsOf(evalCase: EvalCase): Map<string, string> {
  const texts = new Map<string, string>();
  for (const span of evalCase.spans) {
    const key = keyOf(span);
    if (texts.has(key)) continue;
    const value = valueAt(evalCase.transcript, span.path);
    const text =
      typeof value === 'string' && span.jsonPath ? valueAt(JSON.parse(value), span.jsonPath) : value;
    if (typeof text === 'string') texts.set(key, text);
  }
  return texts;
}

/** The value at a path such as `messages[3].links[0].url` or `$.buttonList[0].pcUrl`. */
export function valueAt(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const [, name, index] of path.replace(/^\$/, '').matchAll(/\.?([A-Za-z_$][\w$]*)|\[(\d+)\]/g)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[name ?? Number(index)];
  }
  return value;
}

export type { LabelledSpan };
