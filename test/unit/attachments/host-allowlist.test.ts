import { describe, expect, it } from 'vitest';
import { isHostAllowed, parseHostAllowlist } from '../../../lib/attachments/host-allowlist.js';
import { ConfigurationError } from '../../../lib/errors.js';

/** The hostname a URL gives (lowercase, IPv6 in brackets), as the downloader passes it. */
const hostOf = (url: string) => new URL(url).hostname;

describe('isHostAllowed', () => {
  const happytalk = parseHostAllowlist('*.happytalk.io');

  it.each([
    'https://static.happytalk.io/a.png',
    'https://STATIC.HappyTalk.IO/a.png',
    'https://a.b.happytalk.io/a.png',
  ])('accepts %s under *.happytalk.io', (url) => {
    expect(isHostAllowed(hostOf(url), happytalk)).toBe(true);
  });

  it.each([
    ['the domain itself', 'https://happytalk.io/a.png'],
    ['a suffix without a dot boundary', 'https://evil-happytalk.io/a.png'],
    ['a suffix glued to the label', 'https://evilhappytalk.io/a.png'],
    ['the domain as a prefix', 'https://happytalk.io.evil.com/a.png'],
    ['the domain as a label', 'https://static.happytalk.io.evil.com/a.png'],
    ['a trailing dot', 'https://static.happytalk.io./a.png'],
    ['an empty first label', 'https://.happytalk.io/a.png'],
    ['an empty label inside', 'https://a..happytalk.io/a.png'],
    ['an IP literal', 'https://127.0.0.1/a.png'],
    ['an IPv4 literal in another spelling', 'https://0x7f.1/a.png'],
    ['an IPv6 literal', 'https://[::1]/a.png'],
    ['another host', 'https://static.kakao.com/a.png'],
  ])('refuses %s', (_case, url) => {
    expect(isHostAllowed(hostOf(url), happytalk)).toBe(false);
  });

  it('matches an exact host only as itself', () => {
    const allowlist = parseHostAllowlist(['static.happytalk.io']);
    expect(isHostAllowed('static.happytalk.io', allowlist)).toBe(true);
    expect(isHostAllowed('a.static.happytalk.io', allowlist)).toBe(false);
    expect(isHostAllowed('cdn.happytalk.io', allowlist)).toBe(false);
  });

  it('accepts an IP literal only when listed, whatever its spelling', () => {
    const allowlist = parseHostAllowlist(' 127.0.0.1 , [2001:db8::7], *.happytalk.io');
    expect(isHostAllowed(hostOf('http://127.0.0.1:8080/a.png'), allowlist)).toBe(true);
    expect(isHostAllowed(hostOf('http://2130706433/a.png'), allowlist)).toBe(true);
    expect(isHostAllowed(hostOf('https://[2001:db8:0:0::7]/a.png'), allowlist)).toBe(true);
    expect(isHostAllowed(hostOf('http://127.0.0.2/a.png'), allowlist)).toBe(false);
    expect(isHostAllowed(hostOf('http://[::ffff:127.0.0.1]/a.png'), allowlist)).toBe(false);
  });
});

describe('parseHostAllowlist', () => {
  it('reads comma-separated patterns, lowercase', () => {
    expect(parseHostAllowlist('*.HappyTalk.io, static.example.com,,10.0.0.1').patterns).toEqual([
      { kind: 'suffix', suffix: 'happytalk.io' },
      { kind: 'exact', host: 'static.example.com' },
      { kind: 'ip', address: '10.0.0.1' },
    ]);
  });

  it.each([
    ['nothing', ''],
    ['a bare wildcard', '*'],
    ['a wildcard over a top-level domain', '*.io'],
    ['a wildcard inside', 'static.*.io'],
    ['a wildcard glued to a label', '*happytalk.io'],
    ['a URL', 'https://static.happytalk.io'],
    ['a port', 'static.happytalk.io:443'],
    ['a trailing dot', 'static.happytalk.io.'],
    ['an empty label', 'static..happytalk.io'],
    ['a label starting with a hyphen', '-static.happytalk.io'],
  ])('refuses %s', (_case, pattern) => {
    expect(() => parseHostAllowlist(pattern)).toThrow(ConfigurationError);
  });
});
