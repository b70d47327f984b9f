// Runs in a fresh Node.js process: imports one bundle (module init: configuration read, clients
// constructed) and prints how long the import took and how long since the process started, on the
// clock and in the process's CPU time (`process.cpuUsage`, every thread, to the microsecond).
import { pathToFileURL } from 'node:url';

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const started = performance.now();
const cpuStarted = cpuMs();
const module = await import(pathToFileURL(process.argv[2]).href);
const importCpuMs = cpuMs() - cpuStarted;
const importMs = performance.now() - started;
if (typeof module.handler !== 'function') throw new Error(`${process.argv[2]} exports no handler`);
const processMs = performance.now();
process.stdout.write(
  `\nBENCH ${JSON.stringify({ importMs, processMs, importCpuMs, processCpuMs: cpuMs() })}\n`,
);
