/**
 * `npm run eval:redaction`: scores the redactor on the shipped labelled sets,
 * prints the per-type figures and writes `docs/redaction-eval.md`. Exit 1 when
 * a budget is missed.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { evaluationMarkdown, runEvaluation } from '../dev/redaction-eval/report.js';

const target = fileURLToPath(new URL('../docs/redaction-eval.md', import.meta.url));
const evaluation = runEvaluation();
for (const set of evaluation.sets) {
  const { result } = set;
  process.stdout.write(`\n${set.title}: ${result.transcripts} rooms\n`);
  for (const score of result.byType) {
    const shown =
      score.type === 'NAME' ? (set.withNames.byType.find((name) => name.type === 'NAME') ?? score) : score;
    if (shown.labelled + shown.reported === 0) continue;
    process.stdout.write(
      `  ${shown.type.padEnd(16)} labelled ${String(shown.labelled).padStart(5)}  reported ${String(shown.reported).padStart(5)}  ` +
        `precision ${shown.precision.toFixed(3)}  recall ${shown.recall.toFixed(3)}  F2 ${shown.f2.toFixed(3)}\n`,
    );
  }
  const p0 = result.tiers.P0;
  process.stdout.write(
    `  P0: precision ${p0.precision.toFixed(3)}  recall ${p0.recall.toFixed(3)}  F2 ${p0.f2.toFixed(3)}  ` +
      `leak rate ${result.leakRate.toFixed(3)}${set.budgeted ? '' : ' (no budget)'}\n`,
  );
}
await writeFile(target, evaluationMarkdown(evaluation));
process.stdout.write(`\nwrote ${target}\n`);
if (evaluation.failures.length > 0) {
  process.stderr.write(`budgets missed:\n${evaluation.failures.map((failure) => `  ${failure}\n`).join('')}`);
  process.exitCode = 1;
} else {
  process.stdout.write('budgets met: P0 recall >= 0.99, P0 precision >= 0.95, leak rate 0\n');
}
