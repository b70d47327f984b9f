// Runs in a fresh Node.js process: imports one bundle (module init: configuration read, clients
// constructed) and prints how long the import took and how long since the process started.
import { pathToFileURL } from 'node:url';

const started = performance.now();
const module = await import(pathToFileURL(process.argv[2]).href);
const importMs = performance.now() - started;
if (typeof module.handler !== 'function') throw new Error(`${process.argv[2]} exports no handler`);
const processMs = performance.now();
const { user, system } = process.cpuUsage();
process.stdout.write(`\nBENCH ${JSON.stringify({ importMs, processMs, cpuMs: (user + system) / 1000 })}\n`);
