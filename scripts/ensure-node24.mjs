#!/usr/bin/env node
// Installs the Node.js 24 binary (the Lambda runtime's version) from the npm registry into
// .local/node24, once, so the bundle smoke tests can run the built functions on it.
// Prints the path of the binary. NODE24_BIN, when set, is used as is.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.21.0';
const root = fileURLToPath(new URL('..', import.meta.url));
const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
const pkg = `node-${process.platform}-${arch}`;
const prefix = `${root}.local/node24`;
const binary = process.env.NODE24_BIN || `${prefix}/node_modules/${pkg}/bin/node`;

if (!existsSync(binary)) {
  mkdirSync(prefix, { recursive: true });
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `${pkg}@${NODE24_VERSION}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
if (!version.startsWith('v24.')) throw new Error(`${binary} is ${version}, not Node.js 24`);
console.log(binary);
