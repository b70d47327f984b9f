import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { ConfigurationError } from '../errors.js';
import { ARCHIVER_VERSION } from '../version.js';
import { AttachmentDownloadError, AttachmentError, AttachmentRefusedError } from './errors.js';
import {
  DEFAULT_ATTACHMENT_HOST_ALLOWLIST,
  type HostAllowlist,
  parseHostAllowlist,
} from './host-allowlist.js';
import {
  ATTACHMENT_CONTENT_TYPES,
  type CheckedUrl,
  checkAddresses,
  checkAnswer,
  checkUrl,
  DEFAULT_ATTACHMENT_TIMEOUT_MS,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_ATTACHMENT_REDIRECTS,
  type DownloadPolicy,
  isRedirect,
  type ResolvedAddress,
  readCapped,
  redirectTarget,
  sniffImageType,
} from './policy.js';

/** Resolves a host name to every address it has (as `dns.lookup(host, {all: true})`). */
export type AddressLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Options of {@link AttachmentDownloader}; every one has a default. */
export interface AttachmentDownloaderOptions {
  /** Host patterns (see `HostPattern`): a list, a comma-separated string, or parsed. Default `*.happytalk.io`. */
  readonly allowlist?: HostAllowlist | string | readonly string[];
  /**
   * Also connect to loopback addresses (and over plain `http:`, to them only).
   * Tests and the local stack only: it is not read from the environment.
   */
  readonly allowLoopback?: boolean;
  /** Redirects followed per download, each checked like the first URL; default 3. */
  readonly maxRedirects?: number;
  /** Size cap in bytes, checked on `Content-Length` and while reading; default 20 MiB. */
  readonly maxBytes?: number;
  /** Time for the whole download, DNS and redirects included, in ms; default 10 s. */
  readonly timeoutMs?: number;
  /** Media types accepted, a subset of {@link ATTACHMENT_CONTENT_TYPES} (the default). */
  readonly contentTypes?: readonly string[];
  /** DNS resolution; default `dns.lookup` with `all`. Tests inject one. */
  readonly lookup?: AddressLookup;
}

/** An attachment downloaded and checked. */
export interface DownloadedAttachment {
  readonly bytes: Buffer;
  /** Hex SHA-256 of `bytes`. */
  readonly sha256: string;
  /** The media type the bytes have (by their signature), one of the accepted types. */
  readonly contentType: string;
  /** Redirects followed. */
  readonly redirects: number;
}

/**
 * Downloads images from the hosts of an allowlist, guarded against SSRF. Each
 * hop (the URL, then each redirect) is checked before it is fetched:
 *
 * 1. `https:` only (plain `http:` only to a loopback address when
 *    `allowLoopback`); no user name or password in the URL; a host the
 *    allowlist names, IP literals only when listed;
 * 2. the host is resolved once, and every address it resolves to must be
 *    public (not private, loopback, link-local, unique-local, CGNAT,
 *    multicast, unspecified, reserved, nor IPv4-mapped IPv6 of those; loopback
 *    only when `allowLoopback`); no port other than the scheme's default,
 *    except to loopback;
 * 3. the connection is made to that checked address (the request's DNS
 *    `lookup` answers with it), so a DNS answer that changes after the check
 *    (rebinding) is never used; TLS still verifies the host name;
 * 4. at most `maxRedirects` redirects; a final answer must be 200 without
 *    content encoding, of an accepted content type, within `maxBytes` (by
 *    `Content-Length` and while reading), and its bytes must have the
 *    signature of an accepted image type;
 * 5. the whole download, DNS included, within `timeoutMs`.
 *
 * The request carries `Accept`, `Accept-Encoding: identity` and a
 * `User-Agent`, nothing else: the downloader holds no credential, so none can
 * reach an image host. Each request uses its own connection.
 */
export class AttachmentDownloader {
  readonly policy: DownloadPolicy;
  readonly timeoutMs: number;
  readonly #lookup: AddressLookup;
  readonly #accept: string;

  /** @throws ConfigurationError naming the option that is out of range */
  constructor(options: AttachmentDownloaderOptions = {}) {
    const allowlist = options.allowlist ?? DEFAULT_ATTACHMENT_HOST_ALLOWLIST;
    const contentTypes = validContentTypes(options.contentTypes ?? ATTACHMENT_CONTENT_TYPES);
    this.policy = {
      allowlist: isParsedAllowlist(allowlist) ? allowlist : parseHostAllowlist(allowlist),
      allowLoopback: options.allowLoopback === true,
      maxRedirects: integerOption(
        'maxRedirects',
        options.maxRedirects ?? DEFAULT_MAX_ATTACHMENT_REDIRECTS,
        0,
      ),
      maxBytes: integerOption('maxBytes', options.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES, 1),
      contentTypes,
    };
    this.timeoutMs = integerOption('timeoutMs', options.timeoutMs ?? DEFAULT_ATTACHMENT_TIMEOUT_MS, 1);
    this.#lookup = options.lookup ?? systemLookup;
    this.#accept = [...contentTypes].join(', ');
  }

  /**
   * Downloads `url`, following redirects.
   *
   * @param options.signal aborts the download (as a failure)
   * @throws AttachmentRefusedError when a rule refuses a hop or the answer
   * @throws AttachmentDownloadError when the download fails or times out
   */
  async download(url: string, options: { signal?: AbortSignal } = {}): Promise<DownloadedAttachment> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const progress = { redirects: 0 };
    try {
      return await this.#follow(url, signal, progress);
    } catch (error) {
      if (timeout.aborted) throw new AttachmentDownloadError(`timed out after ${this.timeoutMs} ms`);
      if (signal.aborted) throw new AttachmentDownloadError('aborted');
      const failure =
        error instanceof AttachmentError
          ? error
          : new AttachmentDownloadError(`connection failed${errorCode(error)}`, { cause: error });
      throw progress.redirects > 0 ? afterRedirects(failure, progress.redirects) : failure;
    }
  }

  async #follow(
    start: string,
    signal: AbortSignal,
    progress: { redirects: number },
  ): Promise<DownloadedAttachment> {
    let target: string | URL = start;
    for (;;) {
      const checked = checkUrl(target, this.policy);
      const addresses = checked.ipLiteral
        ? [{ address: checked.host, family: isIP(checked.host) }]
        : await this.#resolve(checked.host, signal);
      const pinned = checkAddresses(checked, addresses, this.policy);
      const response = await this.#get(checked, pinned, signal);
      try {
        if (isRedirect(response.statusCode ?? 0)) {
          target = redirectTarget(response.headers.location, checked.url, progress.redirects, this.policy);
          progress.redirects += 1;
          continue;
        }
        const declared = checkAnswer(
          response.statusCode ?? 0,
          {
            contentType: response.headers['content-type'],
            contentLength: response.headers['content-length'],
            contentEncoding: response.headers['content-encoding'],
          },
          this.policy,
        );
        const { bytes, sha256 } = await readCapped(response, this.policy.maxBytes);
        const contentType = sniffImageType(bytes);
        if (contentType === undefined || !this.policy.contentTypes.has(contentType)) {
          throw new AttachmentRefusedError(`content is not an accepted image (declared ${declared})`);
        }
        return { bytes, sha256, contentType, redirects: progress.redirects };
      } finally {
        response.destroy();
      }
    }
  }

  async #resolve(host: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
    let answers: readonly ResolvedAddress[];
    try {
      answers = await abortable(this.#lookup(host), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new AttachmentDownloadError(`host did not resolve${errorCode(error)}`, { cause: error });
    }
    // The family is taken from the address itself: a lookup cannot make an address what it is not.
    return answers.map(({ address }) => ({ address, family: isIP(address) }));
  }

  /** One GET to the pinned address, resolving with the answer's head. */
  #get(checked: CheckedUrl, pinned: ResolvedAddress, signal: AbortSignal): Promise<IncomingMessage> {
    const pinnedLookup = (
      _hostname: string,
      options: LookupOptions,
      callback: (
        error: NodeJS.ErrnoException | null,
        address: string | LookupAddress[],
        family?: number,
      ) => void,
    ): void => {
      if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
      else callback(null, pinned.address, pinned.family);
    };
    const send = checked.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        checked.url,
        {
          method: 'GET',
          headers: {
            accept: this.#accept,
            'accept-encoding': 'identity',
            'user-agent': `happytalk-archive/${ARCHIVER_VERSION}`,
          },
          agent: false,
          lookup: pinnedLookup,
          signal,
        },
        resolve,
      );
      request.on('error', reject);
      request.end();
    });
  }
}

function systemLookup(hostname: string): Promise<readonly ResolvedAddress[]> {
  return dnsLookup(hostname, { all: true, verbatim: true });
}

function isParsedAllowlist(value: HostAllowlist | string | readonly string[]): value is HostAllowlist {
  return typeof value === 'object' && !Array.isArray(value) && 'patterns' in value;
}

function validContentTypes(types: readonly string[]): ReadonlySet<string> {
  const accepted = new Set<string>();
  for (const type of types) {
    const lower = type.trim().toLowerCase();
    if (!ATTACHMENT_CONTENT_TYPES.includes(lower)) {
      throw new ConfigurationError(
        `content type ${JSON.stringify(type)} cannot be archived: choose among ${ATTACHMENT_CONTENT_TYPES.join(', ')}`,
      );
    }
    accepted.add(lower);
  }
  if (accepted.size === 0) throw new ConfigurationError('no attachment content type is accepted');
  return accepted;
}

function integerOption(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigurationError(`${name} must be an integer from ${min}, received ${value}`);
  }
  return value;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** ` (ECONNREFUSED)`: the system error code of a foreign error, when it has a plain one. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : '';
}

function afterRedirects(error: AttachmentError, redirects: number): AttachmentError {
  if (error.message.startsWith('more than ')) return error;
  const message = `${error.message} (after ${redirects} redirect${redirects === 1 ? '' : 's'})`;
  return error instanceof AttachmentRefusedError
    ? new AttachmentRefusedError(message, { cause: error })
    : new AttachmentDownloadError(message, { cause: error });
}
