#!/usr/bin/env node
// npm runs this after `npm ci` or `npm install` in a clone, and before `npm pack`: it builds the
// CLI (bin/happytalk-archive.mjs) and the Lambda bundles. A clone installed without its dev
// dependencies cannot build; it says so and leaves the build to a full install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}node_modules/tsx`) || !existsSync(`${root}node_modules/esbuild`)) {
  process.stderr.write(
    'happytalk-archive: dev dependencies not installed, nothing built (run npm ci to build)\n',
  );
  process.exit(0);
}
const build = spawnSync('npm', ['run', '--silent', 'build'], {
  cwd: root,
  stdio: ['ignore', process.stderr, 'inherit'],
});
process.exit(build.status ?? 1);
