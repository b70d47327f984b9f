/**
 * `npm run test:faults`: runs the fault-injection suite (test/faults) and prints
 * what each scenario expected and observed, with the totals: scenarios run,
 * hostile inputs tried, transcripts lost, duplicate versions, secret leaks.
 * Exits with the suite's exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Row {
  suite: string;
  scenario: string;
  expected: string;
  observed: string;
  pass: boolean;
  hostile?: boolean;
  lost?: number;
  duplicates?: number;
}

const directory = mkdtempSync(join(tmpdir(), 'happytalk-archive-faults-'));
const report = join(directory, 'rows.jsonl');
const run = spawnSync('npx', ['vitest', 'run', 'test/faults', '--reporter=dot'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, FAULTS_REPORT: report },
});
let rows: Row[] = [];
try {
  rows = readFileSync(report, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Row);
} catch {
  // no rows: the suite did not start; its own output says why
}
rmSync(directory, { recursive: true, force: true });

const scenarios = rows.filter((row) => !row.hostile && row.suite !== 'hygiene');
const hostile = rows.filter((row) => row.hostile);
const hygiene = rows.filter((row) => row.suite === 'hygiene');
const width = (values: string[], max: number) => Math.min(max, Math.max(...values.map((v) => v.length)));
const cell = (text: string, size: number) =>
  text.length > size ? `${text.slice(0, size - 1)}…` : text.padEnd(size);
const table = [...scenarios, ...hygiene];
const columns = {
  scenario: width(
    table.map((row) => `${row.suite}: ${row.scenario}`),
    70,
  ),
  expected: width(
    table.map((row) => row.expected),
    60,
  ),
  observed: width(
    table.map((row) => row.observed),
    60,
  ),
};
console.log(
  `\n${cell('scenario', columns.scenario)}  ${cell('expected', columns.expected)}  ${cell('observed', columns.observed)}  pass`,
);
for (const row of table) {
  console.log(
    `${cell(`${row.suite}: ${row.scenario}`, columns.scenario)}  ${cell(row.expected, columns.expected)}  ${cell(row.observed, columns.observed)}  ${row.pass ? 'yes' : 'NO'}`,
  );
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
console.log(`
scenarios run:        ${scenarios.length} (${scenarios.filter((row) => row.pass).length} passed)
hostile inputs tried: ${hostile.length} (${hostile.filter((row) => row.pass).length} refused cleanly)
transcripts lost:     ${sum(scenarios.map((row) => row.lost ?? 0))}
duplicate versions:   ${sum(scenarios.map((row) => row.duplicates ?? 0))}
leaks:                ${sum(hygiene.map((row) => Number(row.observed) || 0))}
`);
process.exitCode = run.status ?? 1;
