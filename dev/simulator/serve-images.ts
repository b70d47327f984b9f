/** The image endpoint: `GET|HEAD /data/chat_data/…`, as HappyTalk's image host serves them, or a fault. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimulatorConfigError } from './errors.js';
import { methodNotAllowed, send, textAnswer } from './http.js';
import { IMAGE_PATH_PREFIX, simulatorImage } from './images.js';
import { type SimulatorState, safeHeaders } from './state.js';

/** The registered bytes or a generated PNG, unless a fault says otherwise. */
export async function serveImage(
  state: SimulatorState,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  state.imageRequests.push({
    path,
    at: new Date(),
    method: request.method ?? '',
    headers: safeHeaders(state, request.headers),
  });
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return send(response, methodNotAllowed('GET, HEAD'));
  const fault = state.imageFaults.take(path);
  if (fault?.kind === 'delay') await state.sleep(fault.ms);
  if (state.closing() || response.destroyed) return;
  const image = state.images.get(path) ?? { body: simulatorImage(path), contentType: 'image/png' };
  const head = request.method === 'HEAD';
  const answer = (status: number, headers: Record<string, string>, body: Buffer): void => {
    response.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
    response.end(head ? undefined : body);
  };
  switch (fault?.kind) {
    case undefined:
    case 'delay':
      return answer(200, { 'Content-Type': image.contentType }, image.body);
    case 'status':
      return send(response, textAnswer(fault.status, `HTTP ${fault.status}`));
    case 'content-type':
      return answer(
        200,
        { 'Content-Type': fault.contentType },
        fault.body === undefined ? image.body : Buffer.from(fault.body, 'utf8'),
      );
    case 'redirect':
      return answer(fault.status ?? 302, { Location: fault.location }, Buffer.alloc(0));
    case 'redirect-loop':
      return answer(302, { Location: path }, Buffer.alloc(0));
    case 'reset':
      response.destroy();
      return;
    case 'huge':
      return sendHugeImage(response, fault.bytes, fault.contentLength !== false, head);
    case 'trickle':
      return trickleImage(response, image, fault.intervalMs);
  }
}

/** `path` when it is an image path (below {@link IMAGE_PATH_PREFIX}, no query or fragment). */
export function validImagePath(path: string): string {
  if (!path.startsWith(IMAGE_PATH_PREFIX) || path.includes('?') || path.includes('#')) {
    throw new SimulatorConfigError(
      `an image path starts with ${IMAGE_PATH_PREFIX}, received ${JSON.stringify(path)}`,
    );
  }
  return path;
}

const HUGE_CHUNK = Buffer.alloc(64 * 1024);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG signature then zeros, `bytes` in all, written as fast as the client reads, until it hangs up. */
async function sendHugeImage(
  response: ServerResponse,
  bytes: number,
  contentLength: boolean,
  head: boolean,
): Promise<void> {
  response.writeHead(200, {
    'Content-Type': 'image/png',
    ...(contentLength ? { 'Content-Length': String(bytes) } : {}),
  });
  if (head) {
    response.end();
    return;
  }
  let left = bytes - PNG_SIGNATURE.length;
  response.write(PNG_SIGNATURE);
  while (left > 0 && !response.destroyed) {
    const chunk = HUGE_CHUNK.subarray(0, Math.min(left, HUGE_CHUNK.length));
    left -= chunk.length;
    if (!response.write(chunk)) {
      await new Promise<void>((resolve) => {
        response.once('drain', resolve);
        response.once('close', resolve);
      });
    }
  }
  if (!response.destroyed) response.end();
}

/** The headers, then one byte of the image every `intervalMs` (from the start again), until the client hangs up. */
function trickleImage(
  response: ServerResponse,
  image: { body: Buffer; contentType: string },
  intervalMs: number,
): void {
  response.writeHead(200, { 'Content-Type': image.contentType });
  let offset = 0;
  const timer = setInterval(() => {
    if (response.destroyed || image.body.length === 0) {
      clearInterval(timer);
      return;
    }
    response.write(image.body.subarray(offset % image.body.length, (offset % image.body.length) + 1));
    offset += 1;
  }, intervalMs).unref();
  response.once('close', () => clearInterval(timer));
}
