import { readFileSync } from 'node:fs';

/** Set by the build (`define` in scripts/build.ts): the package's version, so that no bundle holds package.json. */
declare const __ARCHIVER_VERSION__: string | undefined;

/**
 * The archiver's own version, recorded in every transcript's
 * `source.archiver_version`: the package's version. Every change to what the
 * normalizer derives from a raw response bumps it (a unit test pins the
 * normalizer's output on a corpus to this version), so that `verify` can tell a
 * transcript an older archiver derived (`stale`) from one this version would
 * not have derived (a mismatch), and `reindex` can bring the former up to date.
 *
 * The bundles get it from the build; run from the sources (tests, `npm run
 * cli`, the benchmark's runners) it is read from package.json.
 */
export const ARCHIVER_VERSION: string =
  typeof __ARCHIVER_VERSION__ === 'string' ? __ARCHIVER_VERSION__ : versionOfPackage();

function versionOfPackage(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
