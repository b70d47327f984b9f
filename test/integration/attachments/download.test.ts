import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, simulatorImage, startSimulator } from '../../../dev/simulator/index.js';
import { type AddressLookup, AttachmentDownloader } from '../../../lib/attachments/download.js';
import { AttachmentDownloadError, AttachmentRefusedError } from '../../../lib/attachments/errors.js';

const TOKEN = 'sim-token-Hq8Lw';
const PATH = '/data/chat_data/2024_03_13/a87ff679a2f3e71d9181a67b7542122c_w.png';
let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ token: TOKEN });
});

afterAll(async () => {
  await simulator?.close();
});

beforeEach(() => {
  simulator.clearFaults();
  simulator.resetRequests();
});

function loopbackDownloader(options: ConstructorParameters<typeof AttachmentDownloader>[0] = {}) {
  return new AttachmentDownloader({
    allowlist: '127.0.0.1',
    allowLoopback: true,
    timeoutMs: 2000,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AttachmentRefusedError || error instanceof AttachmentDownloadError) {
      return `${error.name}: ${error.message}`;
    }
    throw error;
  }
  return 'downloaded';
}

describe('AttachmentDownloader against the simulator on loopback', () => {
  it('downloads an image and hashes it, sending no credential', async () => {
    const result = await loopbackDownloader().download(`${simulator.url}${PATH}`);

    const expected = simulatorImage(PATH);
    expect(result.bytes.equals(expected)).toBe(true);
    expect(result).toMatchObject({
      sha256: createHash('sha256').update(expected).digest('hex'),
      contentType: 'image/png',
      redirects: 0,
    });
    const [request] = simulator.imageRequests;
    expect(Object.keys(request?.headers ?? {}).sort()).toEqual([
      'accept',
      'accept-encoding',
      'connection',
      'host',
      'user-agent',
    ]);
    expect(request?.headers['accept-encoding']).toBe('identity');
    expect(JSON.stringify(request?.headers)).not.toContain(TOKEN);
  });

  it('follows a redirect to an allowed URL, and counts it', async () => {
    simulator.setImageFault('/data/chat_data/moved.png', { kind: 'redirect', location: PATH, status: 301 });

    const result = await loopbackDownloader().download(`${simulator.url}/data/chat_data/moved.png`);

    expect(result.redirects).toBe(1);
    expect(result.bytes.equals(simulatorImage(PATH))).toBe(true);
  });

  it.each([
    ['a redirect loop', { kind: 'redirect-loop' as const }, 'AttachmentRefusedError: more than 3 redirects'],
    [
      'a redirect to the metadata endpoint over http',
      { kind: 'redirect' as const, location: 'http://169.254.169.254/latest/meta-data/' },
      'AttachmentRefusedError: host not in the allowlist (after 1 redirect)',
    ],
    [
      'a redirect to a host outside the allowlist',
      { kind: 'redirect' as const, location: 'https://evil.example.com/a.png' },
      'AttachmentRefusedError: host not in the allowlist (after 1 redirect)',
    ],
    [
      'a redirect to another scheme',
      { kind: 'redirect' as const, location: 'file:///etc/passwd' },
      'AttachmentRefusedError: scheme "file:" not allowed (after 1 redirect)',
    ],
    ['a 404', { kind: 'status' as const, status: 404 }, 'AttachmentDownloadError: HTTP 404'],
    ['a 500', { kind: 'status' as const, status: 500 }, 'AttachmentDownloadError: HTTP 500'],
    [
      'HTML',
      { kind: 'content-type' as const, contentType: 'text/html; charset=utf-8', body: '<html>' },
      'AttachmentRefusedError: content type "text/html" not allowed',
    ],
    [
      'HTML labelled as a PNG',
      { kind: 'content-type' as const, contentType: 'image/png', body: '<html><script>x</script>' },
      'AttachmentRefusedError: content is not an accepted image (declared image/png)',
    ],
    [
      'a huge body announced by Content-Length',
      { kind: 'huge' as const, bytes: 5_000_000 },
      'AttachmentRefusedError: larger than 100000 bytes',
    ],
    [
      'a huge chunked body',
      { kind: 'huge' as const, bytes: 5_000_000, contentLength: false },
      'AttachmentRefusedError: larger than 100000 bytes',
    ],
    [
      'a reset connection',
      { kind: 'reset' as const },
      'AttachmentDownloadError: connection failed (ECONNRESET)',
    ],
  ])('refuses %s', async (_case, fault, expected) => {
    simulator.setImageFault(PATH, fault);

    expect(await failure(loopbackDownloader({ maxBytes: 100_000 }).download(`${simulator.url}${PATH}`))).toBe(
      expected,
    );
  });

  it('times out a slow answer, and a trickling one, on the total time', async () => {
    simulator.setImageFault('/data/chat_data/slow.png', { kind: 'delay', ms: 5_000 });
    simulator.setImageFault('/data/chat_data/trickle.png', { kind: 'trickle', intervalMs: 20 });
    const downloader = loopbackDownloader({ timeoutMs: 300 });

    const started = Date.now();
    const slow = await failure(downloader.download(`${simulator.url}/data/chat_data/slow.png`));
    const trickle = await failure(downloader.download(`${simulator.url}/data/chat_data/trickle.png`));

    expect(slow).toBe('AttachmentDownloadError: timed out after 300 ms');
    expect(trickle).toBe('AttachmentDownloadError: timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses loopback, and plain http, unless allowed', async () => {
    const deployed = new AttachmentDownloader({ allowlist: '127.0.0.1' });

    expect(await failure(deployed.download(`${simulator.url}${PATH}`))).toBe(
      'AttachmentRefusedError: scheme "http:" not allowed',
    );
    expect(await failure(deployed.download(`https://127.0.0.1:${simulator.port}${PATH}`))).toBe(
      'AttachmentRefusedError: address not allowed (loopback)',
    );
    expect(simulator.imageRequests).toEqual([]);
  });

  describe('with an injected DNS', () => {
    const named = (host: string) => `http://${host}:${simulator.port}${PATH}`;
    const withLookup = (lookup: AddressLookup) =>
      loopbackDownloader({ allowlist: '*.happytalk.invalid', lookup });

    it('refuses a name that resolves to a private address, before connecting', async () => {
      const lookup: AddressLookup = async () => [{ address: '10.0.0.7', family: 4 }];

      expect(await failure(withLookup(lookup).download(named('private.happytalk.invalid')))).toBe(
        'AttachmentRefusedError: address not allowed (private)',
      );
      expect(simulator.imageRequests).toEqual([]);
    });

    it.each([
      ['IPv4-mapped private', '::ffff:192.168.1.1', 'private'],
      ['the metadata endpoint', '169.254.169.254', 'link-local'],
      ['CGNAT', '100.100.100.200', 'cgnat'],
      ['unique-local', 'fd00:ec2::254', 'unique-local'],
      ['unspecified', '0.0.0.0', 'unspecified'],
    ])('refuses %s', async (_case, address, kind) => {
      const lookup: AddressLookup = async () => [{ address, family: address.includes(':') ? 6 : 4 }];

      expect(await failure(withLookup(lookup).download(named('img.happytalk.invalid')))).toBe(
        `AttachmentRefusedError: address not allowed (${kind})`,
      );
    });

    it('refuses a name with a private address among allowed ones', async () => {
      const lookup: AddressLookup = async () => [
        { address: '127.0.0.1', family: 4 },
        { address: '192.168.0.10', family: 4 },
      ];

      expect(await failure(withLookup(lookup).download(named('mixed.happytalk.invalid')))).toBe(
        'AttachmentRefusedError: address not allowed (private)',
      );
    });

    it('connects to the address it checked, resolving once: a rebinding answer is never used', async () => {
      const asked: string[] = [];
      const lookup: AddressLookup = async (host) => {
        asked.push(host);
        return asked.length === 1
          ? [{ address: '127.0.0.1', family: 4 }]
          : [{ address: '10.0.0.7', family: 4 }];
      };

      // The name exists nowhere but in this lookup: the download works only through the pinned address.
      const result = await withLookup(lookup).download(named('rebind.happytalk.invalid'));

      expect(result.bytes.equals(simulatorImage(PATH))).toBe(true);
      expect(asked).toEqual(['rebind.happytalk.invalid']);
      expect(simulator.imageRequests[0]?.headers.host).toBe(`rebind.happytalk.invalid:${simulator.port}`);
    });

    it('checks the host of every redirect against the DNS again', async () => {
      simulator.setImageFault('/data/chat_data/hop.png', {
        kind: 'redirect',
        location: named('internal.happytalk.invalid'),
      });
      const lookup: AddressLookup = async (host) =>
        host === 'internal.happytalk.invalid'
          ? [{ address: '172.16.5.5', family: 4 }]
          : [{ address: '127.0.0.1', family: 4 }];

      const outcome = await failure(
        withLookup(lookup).download(`http://img.happytalk.invalid:${simulator.port}/data/chat_data/hop.png`),
      );

      expect(outcome).toBe('AttachmentRefusedError: address not allowed (private) (after 1 redirect)');
    });

    it('fails, retryably, when the name does not resolve', async () => {
      const lookup: AddressLookup = async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      };

      expect(await failure(withLookup(lookup).download(named('gone.happytalk.invalid')))).toBe(
        'AttachmentDownloadError: host did not resolve (ENOTFOUND)',
      );
    });
  });
});
