/**
 * Where a stored transcript differs from the one the normalizer gives, what
 * the archive itself adds to a transcript set aside: what `verify` reports and
 * what `reindex` decides by.
 */
import { isNotFinalWarning } from '../archive/warnings.js';
import { isAttachmentWarning } from '../attachments/warnings.js';
import { describeValue } from '../errors.js';
import { isRecord } from '../shared/records.js';

/** Where two JSON values differ, and each side there (`(absent)` for a missing member). */
export interface Difference {
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

const ABSENT = '(absent)';

/**
 * Where the stored transcript differs from the one the normalizer gives
 * (`expected`), member by member; at most `limit` differences (default 20).
 *
 * What the archive writes into a transcript beyond what the normalizer gives
 * is not a difference:
 *
 * - `messages[].attachments`: the archived copies of a message's files
 *   (`[{key, sha256, content_type}]`), added by the archive after normalizing;
 *   ignored when the normalizer gives no `attachments` for that message;
 * - the warning `{path: "chat.status", reason: "room not final after N attempts: archived as it is"}`
 *   that the event path adds to a room it archives while still open;
 * - the warnings `{path: "message[i].contents" or "message[i].contents.image_url",
 *   reason: "attachment not archived: …"}` the archive adds for an image it could not archive;
 * - `source.reindexed_at`, which `reindex` adds to a transcript it derives again.
 */
export function transcriptDifferences(expected: unknown, stored: unknown, limit = 20): Difference[] {
  const differences: Difference[] = [];
  compare(expected, withoutArchiveWarnings(stored), '', differences, limit);
  return differences;
}

function withoutArchiveWarnings(stored: unknown): unknown {
  if (!isRecord(stored) || !Array.isArray(stored.warnings)) return stored;
  let source: { source?: unknown } = {};
  if (isRecord(stored.source)) {
    const { reindexed_at: _reindexed, ...rest } = stored.source;
    source = { source: rest };
  }
  return {
    ...stored,
    ...source,
    warnings: stored.warnings.filter(
      (warning) => !isNotFinalWarning(warning) && !isAttachmentWarning(warning),
    ),
  };
}

const MESSAGE_PATH = /^messages\[\d+\]$/;

function compare(expected: unknown, found: unknown, path: string, out: Difference[], limit: number): void {
  if (out.length >= limit) return;
  if (Array.isArray(expected) && Array.isArray(found)) {
    const length = Math.max(expected.length, found.length);
    for (let index = 0; index < length; index++) {
      const item = `${path}[${index}]`;
      if (index >= expected.length)
        out.push({ path: item, expected: ABSENT, found: describeValue(found[index]) });
      else if (index >= found.length)
        out.push({ path: item, expected: describeValue(expected[index]), found: ABSENT });
      else compare(expected[index], found[index], item, out, limit);
      if (out.length >= limit) return;
    }
    return;
  }
  if (isRecord(expected) && isRecord(found)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(found)])].sort();
    for (const key of keys) {
      const member = path === '' ? key : `${path}.${key}`;
      if (!(key in expected)) {
        if (key === 'attachments' && MESSAGE_PATH.test(path)) continue;
        out.push({ path: member, expected: ABSENT, found: describeValue(found[key]) });
      } else if (!(key in found)) {
        out.push({ path: member, expected: describeValue(expected[key]), found: ABSENT });
      } else {
        compare(expected[key], found[key], member, out, limit);
      }
      if (out.length >= limit) return;
    }
    return;
  }
  if (expected !== found) {
    out.push({ path: path || '(root)', expected: describeValue(expected), found: describeValue(found) });
  }
}
