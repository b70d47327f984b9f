import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { simulatorImage } from '../../../dev/simulator/index.js';
import { AttachmentDownloadError, AttachmentRefusedError } from '../../../lib/attachments/errors.js';
import { parseHostAllowlist } from '../../../lib/attachments/host-allowlist.js';
import {
  ATTACHMENT_CONTENT_TYPES,
  checkAddresses,
  checkAnswer,
  checkUrl,
  type DownloadPolicy,
  isRedirect,
  mediaTypeOf,
  readCapped,
  redirectTarget,
  sniffImageType,
} from '../../../lib/attachments/policy.js';

const deployed: DownloadPolicy = {
  allowlist: parseHostAllowlist('*.happytalk.io'),
  allowLoopback: false,
  maxRedirects: 3,
  maxBytes: 1000,
  contentTypes: new Set(ATTACHMENT_CONTENT_TYPES),
};
const testing: DownloadPolicy = {
  ...deployed,
  allowlist: parseHostAllowlist('127.0.0.1, *.happytalk.io'),
  allowLoopback: true,
};
const v4 = (address: string) => ({ address, family: 4 });

function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof AttachmentRefusedError || error instanceof AttachmentDownloadError) {
      return `${error.name}: ${error.message}`;
    }
    throw error;
  }
  return 'accepted';
}

describe('checkUrl', () => {
  it('accepts https on an allowed host', () => {
    const checked = checkUrl('https://static.happytalk.io/data/chat_data/2022_03_25/a_w.png', deployed);
    expect(checked).toMatchObject({ host: 'static.happytalk.io', ipLiteral: false });
  });

  it.each([
    ['plain http', 'http://static.happytalk.io/a.png', 'AttachmentRefusedError: scheme "http:" not allowed'],
    ['ftp', 'ftp://static.happytalk.io/a.png', 'AttachmentRefusedError: scheme "ftp:" not allowed'],
    ['file', 'file:///etc/passwd', 'AttachmentRefusedError: scheme "file:" not allowed'],
    ['data', 'data:image/png;base64,AAAA', 'AttachmentRefusedError: scheme "data:" not allowed'],
    ['gopher', 'gopher://static.happytalk.io/', 'AttachmentRefusedError: scheme "gopher:" not allowed'],
    [
      'credentials',
      'https://user:pw@static.happytalk.io/a.png',
      'AttachmentRefusedError: URL carries credentials',
    ],
    ['no URL', 'static.happytalk.io/a.png', 'AttachmentRefusedError: not a valid URL'],
    [
      'a host outside',
      'https://evil-happytalk.io/a.png',
      'AttachmentRefusedError: host not in the allowlist',
    ],
    ['an IP literal', 'https://169.254.169.254/latest', 'AttachmentRefusedError: host not in the allowlist'],
    [
      'a decimal IP literal',
      'https://2852039166/latest',
      'AttachmentRefusedError: host not in the allowlist',
    ],
  ])('refuses %s', (_case, url, expected) => {
    expect(refusal(() => checkUrl(url, deployed))).toBe(expected);
  });

  it('accepts plain http in loopback mode only, leaving the address check to require loopback', () => {
    expect(checkUrl('http://127.0.0.1:8787/data/chat_data/a.png', testing)).toMatchObject({
      host: '127.0.0.1',
      ipLiteral: true,
    });
    expect(refusal(() => checkUrl('http://127.0.0.1:8787/a.png', deployed))).toBe(
      'AttachmentRefusedError: scheme "http:" not allowed',
    );
  });
});

describe('checkAddresses', () => {
  const https = checkUrl('https://static.happytalk.io/a.png', deployed);

  it('pins the first address when every address is public', () => {
    expect(
      checkAddresses(https, [v4('211.249.220.24'), { address: '2404:6800::1', family: 6 }], deployed),
    ).toEqual(v4('211.249.220.24'));
  });

  it.each([
    ['a private address', [v4('10.0.0.7')], 'private'],
    ['a public address beside a private one', [v4('211.249.220.24'), v4('192.168.0.1')], 'private'],
    ['loopback', [v4('127.0.0.1')], 'loopback'],
    ['IPv4-mapped loopback', [{ address: '::ffff:127.0.0.1', family: 6 }], 'loopback'],
    ['the metadata endpoint', [v4('169.254.169.254')], 'link-local'],
    ['unique-local', [{ address: 'fd00::1', family: 6 }], 'unique-local'],
    ['CGNAT', [v4('100.64.1.1')], 'cgnat'],
    ['unspecified', [v4('0.0.0.0')], 'unspecified'],
    ['not an address', [v4('localhost')], 'invalid'],
  ])('refuses %s', (_case, addresses, kind) => {
    expect(refusal(() => checkAddresses(https, addresses, deployed))).toBe(
      `AttachmentRefusedError: address not allowed (${kind})`,
    );
  });

  it('fails, retryably, when the host has no address', () => {
    expect(refusal(() => checkAddresses(https, [], deployed))).toBe(
      'AttachmentDownloadError: host did not resolve',
    );
  });

  it('allows loopback, plain http and a port in loopback mode, and nothing more', () => {
    const http = checkUrl('http://127.0.0.1:8787/a.png', testing);
    expect(checkAddresses(http, [v4('127.0.0.1')], testing)).toEqual(v4('127.0.0.1'));
    expect(refusal(() => checkAddresses(http, [v4('10.0.0.1')], testing))).toBe(
      'AttachmentRefusedError: address not allowed (private)',
    );
    const httpByName = checkUrl('http://img.happytalk.io/a.png', testing);
    expect(refusal(() => checkAddresses(httpByName, [v4('211.249.220.24')], testing))).toBe(
      'AttachmentRefusedError: scheme "http:" not allowed',
    );
    const port = checkUrl('https://img.happytalk.io:8443/a.png', testing);
    expect(refusal(() => checkAddresses(port, [v4('211.249.220.24')], testing))).toBe(
      'AttachmentRefusedError: port 8443 not allowed',
    );
  });
});

describe('redirects', () => {
  const current = new URL('https://static.happytalk.io/data/chat_data/a.png');

  it('follows 301, 302, 303, 307 and 308 only', () => {
    expect([300, 301, 302, 303, 304, 305, 307, 308, 200].filter(isRedirect)).toEqual([
      301, 302, 303, 307, 308,
    ]);
  });

  it('resolves a relative Location against the URL that answered', () => {
    expect(redirectTarget('../b.png', current, 0, deployed).href).toBe(
      'https://static.happytalk.io/data/b.png',
    );
  });

  it('gives the target for the next hop to check again: a redirect to the metadata endpoint is refused there', () => {
    const target = redirectTarget('http://169.254.169.254/latest/meta-data/', current, 0, deployed);
    expect(refusal(() => checkUrl(target, deployed))).toBe(
      'AttachmentRefusedError: scheme "http:" not allowed',
    );
    const https = redirectTarget('https://169.254.169.254/latest/meta-data/', current, 0, deployed);
    expect(refusal(() => checkUrl(https, deployed))).toBe(
      'AttachmentRefusedError: host not in the allowlist',
    );
  });

  it('stops after maxRedirects', () => {
    expect(redirectTarget('/c.png', current, 2, deployed).pathname).toBe('/c.png');
    expect(refusal(() => redirectTarget('/c.png', current, 3, deployed))).toBe(
      'AttachmentRefusedError: more than 3 redirects',
    );
    expect(refusal(() => redirectTarget('/c.png', current, 0, { ...deployed, maxRedirects: 0 }))).toBe(
      'AttachmentRefusedError: more than 0 redirects',
    );
  });

  it('fails without a Location', () => {
    expect(refusal(() => redirectTarget(undefined, current, 0, deployed))).toBe(
      'AttachmentDownloadError: redirect without a Location',
    );
  });
});

describe('checkAnswer', () => {
  it('returns the media type of an accepted answer', () => {
    expect(
      checkAnswer(200, { contentType: 'Image/PNG; charset=binary', contentLength: '1000' }, deployed),
    ).toBe('image/png');
  });

  it.each([
    ['a 404', 404, {}, 'AttachmentDownloadError: HTTP 404'],
    ['a 500', 500, { contentType: 'image/png' }, 'AttachmentDownloadError: HTTP 500'],
    ['a 206', 206, { contentType: 'image/png' }, 'AttachmentDownloadError: HTTP 206'],
    ['no content type', 200, {}, 'AttachmentRefusedError: no content type'],
    [
      'HTML',
      200,
      { contentType: 'text/html; charset=utf-8' },
      'AttachmentRefusedError: content type "text/html" not allowed',
    ],
    [
      'SVG',
      200,
      { contentType: 'image/svg+xml' },
      'AttachmentRefusedError: content type "image/svg+xml" not allowed',
    ],
    [
      'a garbled type',
      200,
      { contentType: 'image/png\u0007<x>' },
      'AttachmentRefusedError: content type (unprintable) not allowed',
    ],
    [
      'gzip',
      200,
      { contentType: 'image/png', contentEncoding: 'gzip' },
      'AttachmentRefusedError: content encoding "gzip" not supported',
    ],
    [
      'a Content-Length over the cap',
      200,
      { contentType: 'image/png', contentLength: '1001' },
      'AttachmentRefusedError: larger than 1000 bytes',
    ],
    [
      'a malformed Content-Length',
      200,
      { contentType: 'image/png', contentLength: '-5' },
      'AttachmentRefusedError: invalid Content-Length',
    ],
  ])('refuses %s', (_case, status, headers, expected) => {
    expect(refusal(() => checkAnswer(status, headers, deployed))).toBe(expected);
  });

  it('accepts only the configured types', () => {
    const pngOnly = { ...deployed, contentTypes: new Set(['image/png']) };
    expect(refusal(() => checkAnswer(200, { contentType: 'image/gif' }, pngOnly))).toBe(
      'AttachmentRefusedError: content type "image/gif" not allowed',
    );
  });

  it('reads media types', () => {
    expect(mediaTypeOf(' IMAGE/Jpeg ;q=1')).toBe('image/jpeg');
    expect(mediaTypeOf('')).toBeUndefined();
    expect(mediaTypeOf(undefined)).toBeUndefined();
  });
});

describe('readCapped', () => {
  it('reads up to the cap, hashing', async () => {
    const body = Buffer.alloc(1000, 7);
    const result = await readCapped(Readable.from([body.subarray(0, 400), body.subarray(400)]), 1000);
    expect(result.bytes.equals(body)).toBe(true);
    expect(result.sha256).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('stops reading at the first byte over the cap', async () => {
    let pulled = 0;
    async function* chunks() {
      for (let index = 0; index < 100; index++) {
        pulled += 1;
        yield Buffer.alloc(300);
      }
    }
    await expect(readCapped(chunks(), 1000)).rejects.toThrow(
      new AttachmentRefusedError('larger than 1000 bytes'),
    );
    expect(pulled).toBe(4);
  });
});

describe('sniffImageType', () => {
  const avif = Buffer.concat([
    Buffer.from([0, 0, 0, 0x1c]),
    Buffer.from('ftypavif', 'latin1'),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from('avifmif1miaf', 'latin1'),
  ]);
  const avifCompatible = Buffer.concat([
    Buffer.from([0, 0, 0, 0x18]),
    Buffer.from('ftypmif1', 'latin1'),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from('miafavif', 'latin1'),
  ]);

  it.each([
    ['PNG', simulatorImage('/data/chat_data/a.png'), 'image/png'],
    ['JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'image/jpeg'],
    ['GIF89a', Buffer.from('GIF89a\u0001\u0000', 'latin1'), 'image/gif'],
    ['GIF87a', Buffer.from('GIF87a\u0001\u0000', 'latin1'), 'image/gif'],
    [
      'WebP',
      Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.alloc(4), Buffer.from('WEBPVP8 ', 'latin1')]),
      'image/webp',
    ],
    ['AVIF (major brand)', avif, 'image/avif'],
    ['AVIF (compatible brand)', avifCompatible, 'image/avif'],
  ])('recognizes %s', (_case, bytes, expected) => {
    expect(sniffImageType(bytes)).toBe(expected);
  });

  it.each([
    ['HTML', Buffer.from('<!doctype html><title>x</title>')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['JSON', Buffer.from('{"ami-id":"x"}')],
    ['nothing', Buffer.alloc(0)],
    [
      'RIFF without WEBP',
      Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.alloc(4), Buffer.from('WAVE', 'latin1')]),
    ],
    [
      'an ftyp box of another brand',
      Buffer.concat([
        Buffer.from([0, 0, 0, 0x14]),
        Buffer.from('ftypisom', 'latin1'),
        Buffer.alloc(4),
        Buffer.from('mp41', 'latin1'),
      ]),
    ],
  ])('recognizes no image in %s', (_case, bytes) => {
    expect(sniffImageType(bytes)).toBeUndefined();
  });
});
