import semver from 'semver';
import { ARCHIVER_VERSION } from './version.js';

/** How the archiver version that derived a transcript relates to this one. */
export type ArchiverVersionRelation = 'older' | 'same' | 'newer' | 'unordered';

/**
 * Compares the archiver version recorded in a transcript with `current`
 * (default {@link ARCHIVER_VERSION}) by semantic versioning; `unordered` when
 * they differ and either is not a semantic version. For `verify` and
 * `reindex` (the CLI): the Lambda bundles never load it.
 */
export function compareArchiverVersion(
  recorded: string,
  current: string = ARCHIVER_VERSION,
): ArchiverVersionRelation {
  if (recorded === current) return 'same';
  if (semver.valid(recorded) === null || semver.valid(current) === null) return 'unordered';
  const order = semver.compare(recorded, current);
  return order < 0 ? 'older' : order > 0 ? 'newer' : 'same';
}
