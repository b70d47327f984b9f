#!/usr/bin/env node
// Runs the CLI from its TypeScript source through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../lib/cli/main.ts');
