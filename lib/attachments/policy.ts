import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { type AddressClass, classifyAddress } from './address.js';
import { AttachmentDownloadError, AttachmentRefusedError } from './errors.js';
import { type HostAllowlist, isHostAllowed } from './host-allowlist.js';

/** The image types archived by default; {@link sniffImageType} recognizes each of them. */
export const ATTACHMENT_CONTENT_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
];
/** The largest attachment archived by default: 20 MiB. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** How long one download may take by default, redirects included. */
export const DEFAULT_ATTACHMENT_TIMEOUT_MS = 10_000;
/** How many redirects one download may follow by default. */
export const DEFAULT_MAX_ATTACHMENT_REDIRECTS = 3;

/** The rules every hop of a download is checked against. */
export interface DownloadPolicy {
  readonly allowlist: HostAllowlist;
  /**
   * Also connect to loopback addresses, and over plain `http:` to them only.
   * For tests and the local stack: never set in a deployment.
   */
  readonly allowLoopback: boolean;
  readonly maxRedirects: number;
  readonly maxBytes: number;
  /** Lowercase media types, a subset of {@link ATTACHMENT_CONTENT_TYPES}. */
  readonly contentTypes: ReadonlySet<string>;
}

/** A resolved address of a host, as `dns.lookup(host, {all: true})` gives it. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** A URL that passed the checks made before any DNS lookup. */
export interface CheckedUrl {
  readonly url: URL;
  /** The host without IPv6 brackets. */
  readonly host: string;
  readonly ipLiteral: boolean;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
// A scheme, media type or content coding: repeated in a reason only when made of these characters.
const PRINTABLE_TOKEN = /^[a-z0-9][a-z0-9!#$&^_.+/:-]{0,100}$/;

/**
 * The checks made on a URL before resolving it: `https:` (or `http:` when
 * loopback is allowed: {@link checkAddresses} then requires a loopback
 * address), no user name or password, and a host the allowlist names (an IP
 * literal only when listed as such).
 *
 * @throws AttachmentRefusedError
 */
export function checkUrl(target: string | URL, policy: DownloadPolicy): CheckedUrl {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new AttachmentRefusedError('not a valid URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback)) {
    throw new AttachmentRefusedError(`scheme ${describeToken(url.protocol)} not allowed`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new AttachmentRefusedError('URL carries credentials');
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!isHostAllowed(url.hostname, policy.allowlist)) {
    throw new AttachmentRefusedError('host not in the allowlist');
  }
  return { url, host, ipLiteral: isIP(host) !== 0 };
}

/**
 * The address to connect to, from every address the host resolved to: each
 * one must be public (or loopback, when allowed); a host with any other
 * address is refused, so that the choice of address cannot matter. Plain
 * `http:` and a port other than the scheme's default are accepted only for a
 * loopback address in loopback mode.
 *
 * @throws AttachmentDownloadError when there is no address
 * @throws AttachmentRefusedError
 */
export function checkAddresses(
  checked: CheckedUrl,
  addresses: readonly ResolvedAddress[],
  policy: DownloadPolicy,
): ResolvedAddress {
  const [first] = addresses;
  if (first === undefined) throw new AttachmentDownloadError('host did not resolve');
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (!isReachable(kind, policy)) throw new AttachmentRefusedError(`address not allowed (${kind})`);
  }
  const loopback = classifyAddress(first.address) === 'loopback';
  if (checked.url.protocol !== 'https:' && !loopback) {
    throw new AttachmentRefusedError(`scheme ${describeToken(checked.url.protocol)} not allowed`);
  }
  if (checked.url.port !== '' && !loopback) {
    throw new AttachmentRefusedError(`port ${checked.url.port} not allowed`);
  }
  return first;
}

function isReachable(kind: AddressClass, policy: DownloadPolicy): boolean {
  return kind === 'public' || (kind === 'loopback' && policy.allowLoopback);
}

/** Whether an answer with this status is a redirect to follow (with its `Location`). */
export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * Where a redirect leads, resolved against the URL that answered it; the caller
 * checks the target as a new hop. `followed` is the number of redirects
 * already followed.
 *
 * @throws AttachmentRefusedError past `policy.maxRedirects` redirects, or to an invalid URL
 * @throws AttachmentDownloadError without a `Location`
 */
export function redirectTarget(
  location: string | undefined,
  current: URL,
  followed: number,
  policy: DownloadPolicy,
): URL {
  if (followed >= policy.maxRedirects) {
    throw new AttachmentRefusedError(`more than ${policy.maxRedirects} redirects`);
  }
  if (location === undefined || location === '') {
    throw new AttachmentDownloadError('redirect without a Location');
  }
  try {
    return new URL(location, current);
  } catch {
    throw new AttachmentRefusedError('redirect to an invalid URL');
  }
}

/** The headers of a final answer that {@link checkAnswer} reads. */
export interface AnswerHeaders {
  readonly contentType?: string | undefined;
  readonly contentLength?: string | undefined;
  readonly contentEncoding?: string | undefined;
}

/**
 * Checks a final (non-redirect) answer before its body is read: status 200,
 * no content encoding, an allowed content type, and a `Content-Length`, when
 * there is one, within the size cap.
 *
 * @returns the media type, lowercase, without parameters
 * @throws AttachmentDownloadError for another status
 * @throws AttachmentRefusedError
 */
export function checkAnswer(status: number, headers: AnswerHeaders, policy: DownloadPolicy): string {
  if (status !== 200) throw new AttachmentDownloadError(`HTTP ${status}`);
  const encoding = headers.contentEncoding?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new AttachmentRefusedError(`content encoding ${describeToken(encoding)} not supported`);
  }
  const mediaType = mediaTypeOf(headers.contentType);
  if (mediaType === undefined) throw new AttachmentRefusedError('no content type');
  if (!policy.contentTypes.has(mediaType)) {
    throw new AttachmentRefusedError(`content type ${describeToken(mediaType)} not allowed`);
  }
  if (headers.contentLength !== undefined) {
    const length = Number(headers.contentLength);
    if (!/^\d+$/.test(headers.contentLength.trim()) || !Number.isSafeInteger(length)) {
      throw new AttachmentRefusedError('invalid Content-Length');
    }
    if (length > policy.maxBytes) throw new AttachmentRefusedError(`larger than ${policy.maxBytes} bytes`);
  }
  return mediaType;
}

/** The media type of a `Content-Type` value, lowercase and without parameters; undefined when absent or empty. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === undefined || mediaType === '' ? undefined : mediaType;
}

/**
 * Reads a body whole, up to `maxBytes`, hashing as it goes; stops reading
 * (the caller destroys the stream) as soon as the cap is passed.
 *
 * @throws AttachmentRefusedError past `maxBytes`
 */
export async function readCapped(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<{ bytes: Buffer; sha256: string }> {
  const hash = createHash('sha256');
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new AttachmentRefusedError(`larger than ${maxBytes} bytes`);
    hash.update(chunk);
    parts.push(chunk);
  }
  return { bytes: Buffer.concat(parts, size), sha256: hash.digest('hex') };
}

/**
 * The image format of `bytes` by its signature: PNG, JPEG, GIF, WebP or AVIF
 * (an ISO-BMFF `ftyp` box naming the `avif` or `avis` brand); undefined for
 * anything else, HTML and SVG included.
 */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString('latin1');
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(4, 8) === 'ftyp' && bytes.byteLength >= 12) {
    const boxSize = Math.min(Buffer.from(bytes.subarray(0, 4)).readUInt32BE(0), bytes.byteLength);
    for (let offset = 8; offset + 4 <= boxSize; offset += 4) {
      // The major brand, then (after the minor version) the compatible brands.
      if (offset === 12) continue;
      const brand = ascii(offset, offset + 4);
      if (brand === 'avif' || brand === 'avis') return 'image/avif';
    }
  }
  return undefined;
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

/** A value the server or the URL chose, quoted when it is a plain token, else not repeated. */
function describeToken(value: string): string {
  const trimmed = value.trim().toLowerCase();
  return PRINTABLE_TOKEN.test(trimmed) ? JSON.stringify(trimmed) : '(unprintable)';
}
