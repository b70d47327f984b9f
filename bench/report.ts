import { type BenchResult, formatNumber } from './results.js';

/** A Markdown table of figures: value, floor, ratio, budget and whether it is met. */
export function resultsTable(results: readonly BenchResult[], budgetKind: 'max' | 'min' = 'max'): string {
  const sign = budgetKind === 'max' ? '≤' : '≥';
  const rows = results.map((result) => {
    const budget = result.budget === undefined ? '–' : `${sign} ${formatNumber(result.budget)}×`;
    const met = result.met === undefined ? '–' : result.met ? 'yes' : '**no**';
    return `| ${result.name} | ${formatNumber(result.value)} ${result.unit} | ${formatNumber(result.floor)} ${result.unit} | ${result.ratio.toFixed(2)}× | ${budget} | ${met} |`;
  });
  return ['| figure | value | floor | ratio | budget | met |', '|---|--:|--:|--:|--:|:-:|', ...rows].join(
    '\n',
  );
}

/** A Markdown table from a header and rows of cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
