import { isIP } from 'node:net';
import { ConfigurationError } from '../errors.js';
import { sameAddress } from './address.js';

/** The hosts attachments may be downloaded from by default: HappyTalk's own (`*.happytalk.io`). */
export const DEFAULT_ATTACHMENT_HOST_ALLOWLIST: readonly string[] = ['*.happytalk.io'];

/**
 * One allowed host:
 *
 * - `*.example.com`: any host below `example.com` (`a.example.com`, `a.b.example.com`),
 *   matched on a dot boundary; not `example.com` itself, not `badexample.com`;
 * - `static.example.com`: that host only;
 * - `203.0.113.7`, `2001:db8::7` or `[2001:db8::7]`: that IP literal only. IP
 *   literals are refused unless listed, and a wildcard never matches one.
 */
export type HostPattern =
  | { readonly kind: 'suffix'; readonly suffix: string }
  | { readonly kind: 'exact'; readonly host: string }
  | { readonly kind: 'ip'; readonly address: string };

/** A validated host allowlist; see {@link parseHostAllowlist}. */
export interface HostAllowlist {
  readonly patterns: readonly HostPattern[];
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Parses host patterns (see {@link HostPattern}): a list, or one comma-separated
 * string such as `ATTACHMENT_HOST_ALLOWLIST`. Patterns are case-insensitive;
 * blanks around commas are ignored.
 *
 * @throws ConfigurationError naming the pattern: not a host name or IP
 *   literal, a wildcard other than a leading `*.`, a wildcard over a single
 *   label (`*.io`), a trailing dot, or no pattern at all
 */
export function parseHostAllowlist(patterns: string | readonly string[]): HostAllowlist {
  const items = (typeof patterns === 'string' ? patterns.split(',') : patterns)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '');
  if (items.length === 0) throw new ConfigurationError('the host allowlist is empty');
  return { patterns: items.map(parsePattern) };
}

function parsePattern(pattern: string): HostPattern {
  const lower = pattern.toLowerCase();
  const unbracketed = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  if (mayBeIpLiteral(unbracketed) && isIP(unbracketed) !== 0) return { kind: 'ip', address: unbracketed };
  const invalid = (why: string) =>
    new ConfigurationError(`invalid host pattern ${JSON.stringify(pattern)}: ${why}`);
  const wildcard = lower.startsWith('*.');
  const name = wildcard ? lower.slice(2) : lower;
  if (name.includes('*')) throw invalid('a wildcard is allowed only as a leading "*."');
  const labels = name.split('.');
  if (!labels.every((label) => LABEL.test(label))) {
    throw invalid('expected a host name such as static.happytalk.io, *.happytalk.io or an IP address');
  }
  if (wildcard && labels.length < 2) throw invalid('a wildcard must cover a domain, not a top-level domain');
  return wildcard ? { kind: 'suffix', suffix: name } : { kind: 'exact', host: name };
}

/**
 * Whether `text` could be an IP literal at all (digits and dots, or a colon):
 * `isIP` is then asked. The allowlist is read at every cold start, and the
 * first `isIP` of a process compiles Node.js's IPv6 expression (about 3 ms)
 * although the patterns are host names.
 */
function mayBeIpLiteral(text: string): boolean {
  return text.includes(':') || /^[\d.]+$/.test(text);
}

/**
 * Whether `host` (a URL's `hostname`: lowercase, IPv6 in brackets) is allowed.
 * Comparison is case-insensitive and exact: a suffix pattern matches only on a
 * dot boundary, and an IP literal only an `ip` pattern of the same address.
 */
export function isHostAllowed(host: string, allowlist: HostAllowlist): boolean {
  const lower = host.toLowerCase();
  const unbracketed = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  if (isIP(unbracketed) !== 0) {
    return allowlist.patterns.some(
      (pattern) => pattern.kind === 'ip' && sameAddress(pattern.address, unbracketed),
    );
  }
  if (lower === '' || lower.startsWith('.') || lower.endsWith('.')) return false;
  return allowlist.patterns.some((pattern) => {
    if (pattern.kind === 'exact') return lower === pattern.host;
    if (pattern.kind === 'suffix') {
      return (
        lower.length > pattern.suffix.length + 1 &&
        lower.endsWith(`.${pattern.suffix}`) &&
        !lower.includes('..')
      );
    }
    return false;
  });
}
