// Runs in a fresh Node.js process: imports one bundle (module init: configuration read, clients
// constructed) and prints how long the import took and how long since the process started, on the
// clock and in CPU time (the main thread's for the import, every thread's for the whole process).
import { pathToFileURL } from 'node:url';

/** The main thread's CPU time in ms (Node.js 24); the process's where that is not available. */
const threadCpuMs = () => {
  const { user, system } = process.threadCpuUsage?.() ?? process.cpuUsage();
  return (user + system) / 1000;
};

const started = performance.now();
const cpuStarted = threadCpuMs();
const module = await import(pathToFileURL(process.argv[2]).href);
const importCpuMs = threadCpuMs() - cpuStarted;
const importMs = performance.now() - started;
if (typeof module.handler !== 'function') throw new Error(`${process.argv[2]} exports no handler`);
const processMs = performance.now();
const { user, system } = process.cpuUsage();
process.stdout.write(
  `\nBENCH ${JSON.stringify({ importMs, processMs, importCpuMs, processCpuMs: (user + system) / 1000 })}\n`,
);
