import packageJson from '../package.json' with { type: 'json' };

/**
 * The archiver's own version, recorded in every transcript's
 * `source.archiver_version`: the package's version. Every change to what the
 * normalizer derives from a raw response bumps it (a unit test pins the
 * normalizer's output on a corpus to this version), so that `verify` can tell a
 * transcript an older archiver derived (`stale`) from one this version would
 * not have derived (a mismatch), and `reindex` can bring the former up to date.
 */
export const ARCHIVER_VERSION: string = packageJson.version;
