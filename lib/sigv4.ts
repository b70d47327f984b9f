import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import { sha256Hex } from './shared/hash.js';

/** The service name API Gateway's IAM authorization signs for. */
export const EXECUTE_API = 'execute-api';

/** A request as the signer sees it: what is sent, before it is sent. */
export interface SignableRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/**
 * Signs a request for API Gateway's IAM authorization (AWS Signature Version
 * 4, service `execute-api`) with the AWS SDK's own signer, and returns the
 * headers to send (`authorization`, `x-amz-date`, `x-amz-content-sha256`, and
 * `x-amz-security-token` for temporary credentials), `host` left to the HTTP
 * client, which sends the URL's.
 */
export async function signExecuteApiRequest(
  request: SignableRequest,
  options: { region: string; credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider },
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: EXECUTE_API,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(httpRequestOf(request, { host: request.url.host, ...request.headers }));
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

/** Why a signature was refused, for the local API's log; the caller only sees 403 Forbidden. */
export type SignatureVerdict =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly reason: string };

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
/** API Gateway refuses a signature dated more than 5 minutes away from its clock. */
const MAX_SKEW_MS = 5 * 60_000;

/**
 * Verifies a SigV4-signed request as API Gateway's IAM authorization would,
 * against one pair of credentials: the credential scope names this access
 * key, the region and `execute-api`; the date is within 5 minutes; the payload
 * hash, when sent, is the body's; and the signature, computed again with the
 * AWS SDK's signer over the headers the request says it signed, is the same.
 */
export async function verifyExecuteApiSignature(
  request: {
    readonly method: string;
    readonly url: URL;
    readonly headers: Readonly<Record<string, string | undefined>>;
    readonly body: Uint8Array;
  },
  options: { region: string; credentials: AwsCredentialIdentity; now?: Date },
): Promise<SignatureVerdict> {
  const refuse = (reason: string): SignatureVerdict => ({ ok: false, reason });
  const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
  if (!match) return refuse('no AWS4-HMAC-SHA256 authorization header');
  const [, accessKeyId = '', day = '', region, service, signedList = '', signature = ''] = match;
  if (accessKeyId !== options.credentials.accessKeyId) return refuse('unknown access key');
  if (region !== options.region || service !== EXECUTE_API) {
    return refuse(`credential scope is ${region}/${service}, not ${options.region}/${EXECUTE_API}`);
  }
  const signedHeaders = signedList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) {
    return refuse('host and x-amz-date must be signed');
  }
  const amzDate = request.headers['x-amz-date'] ?? '';
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate || !amzDate.startsWith(day)) return refuse('x-amz-date is missing or malformed');
  if (Math.abs((options.now ?? new Date()).getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    return refuse('signature expired or dated in the future');
  }
  const payloadHash = request.headers['x-amz-content-sha256'];
  if (payloadHash !== undefined && payloadHash !== sha256Hex(request.body)) {
    return refuse('x-amz-content-sha256 is not the hash of the body');
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return refuse(`signed header ${name} is missing`);
    headers[name] = value;
  }
  const signer = new SignatureV4({
    service: EXECUTE_API,
    region: options.region,
    credentials: { accessKeyId, secretAccessKey: options.credentials.secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
  });
  const expected = await signer.sign(
    httpRequestOf({ method: request.method, url: request.url, body: request.body }, headers),
    {
      signingDate,
      signableHeaders: new Set(signedHeaders),
    },
  );
  const computed = /Signature=([0-9a-f]{64})$/.exec(expected.headers.authorization ?? '')?.[1] ?? '';
  const same =
    computed.length === signature.length && timingSafeEqual(Buffer.from(computed), Buffer.from(signature));
  return same ? { ok: true, accessKeyId } : refuse('signature does not match');
}

function httpRequestOf(request: SignableRequest, headers: Record<string, string>): HttpRequest {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.url.searchParams) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  return {
    method: request.method.toUpperCase(),
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    ...(request.url.port ? { port: Number(request.url.port) } : {}),
    path: request.url.pathname,
    query,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

/** `20240311T093000Z` → a Date; undefined when malformed. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
