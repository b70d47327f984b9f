import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import {
  SAMPLE_ROOM_IDS,
  type SampleRoomName,
  type SimRoom,
  sampleRooms,
} from '../../../dev/simulator/index.js';
import { chatDataEndpoint, HAPPYTALK_PROD_BASE_URL, parseChatData } from '../../../lib/happytalk/client.js';
import { transcriptOf } from '../../../lib/transcript/normalize.js';
import type { Transcript } from '../../../lib/transcript/schema.js';
import type { ImageAttachment } from '../../../lib/view/transcript-html.js';

const ENDPOINT = chatDataEndpoint(HAPPYTALK_PROD_BASE_URL);

/** The transcript of a `chat_data` body, as the archiver makes it: `parseChatData`, then `transcriptOf`. */
export function transcriptOfBody(bytes: Uint8Array, fetchedAt: Date): Transcript {
  return transcriptOf({
    ...parseChatData(bytes),
    endpoint: ENDPOINT,
    fetchedAt,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
}

function transcriptOfRoom(room: SimRoom, fetchedAt: Date): Transcript {
  return transcriptOfBody(
    new TextEncoder().encode(JSON.stringify({ result: 'success', data: [room] })),
    fetchedAt,
  );
}

/** The transcript of the spec's example response (`test/fixtures/chat-data-example.json`). */
export function specExampleTranscript(): Transcript {
  const bytes = new Uint8Array(
    readFileSync(new URL('../../fixtures/chat-data-example.json', import.meta.url)),
  );
  return transcriptOfBody(bytes, new Date('2022-05-26T01:31:07.123Z'));
}

/** The transcript of one of the simulator's sample rooms. */
export function sampleTranscript(name: SampleRoomName): Transcript {
  const room = sampleRooms().find((candidate) => candidate.chat.id === SAMPLE_ROOM_IDS[name]);
  if (room === undefined) {
    throw new Error(`no sample room ${name}`);
  }
  return transcriptOfRoom(room, new Date('2024-03-11T05:20:03.412Z'));
}

/** The image URLs of the `images` sample room, in message order. */
export function sampleImageUrls(): string[] {
  return sampleTranscript('images').messages.flatMap((message) =>
    message.image_url === null ? [] : [message.image_url],
  );
}

/** Hostile markup that sets `window.__pwned` and calls `alert` wherever it runs. */
export const PWN = 'window.__pwned=1;alert(1)';

/**
 * A room whose every free-text field tries to break out of the page: script
 * tags, event handlers, `javascript:` and `data:` links in button JSON, broken
 * button JSON, a title closing `<title>`, quotes meant to end attributes, and
 * markup that would load something (`<link>`, `<base>`, `<meta refresh>`).
 */
export function hostileTranscript(): Transcript {
  const customer = `cust" onmouseover="${PWN}`;
  const message = (id: string, fields: Record<string, unknown>) => ({
    id,
    from_id: customer,
    to_id: 'agent',
    type: 'C',
    user_type: 'C',
    contents_type: 'text',
    send_date: '2024-05-01 10:00:00',
    read_date: '2024-05-01 10:00:01',
    ...fields,
  });
  const room: SimRoom = {
    chat: {
      id: 'HostileRoom0000000000000000001',
      title: `</title><script>${PWN}</script>`,
      counselor_name: `<b onmouseover="${PWN}">상담원</b>`,
      counselor_nickname: `'><svg onload=${PWN}>`,
      customer_uuid: customer,
      users_id: `<img src=x onerror="${PWN}">`,
      category_id: '1',
      division_id: '2',
      cate_name1: '<style>body{display:none}</style>',
      cate_name2: '<link rel="stylesheet" href="https://evil.example/x.css">',
      etc_assign: '<base href="https://evil.example/">',
      reg_date: '2024-05-01 09:59:00',
      complate_date: '2024-05-01 10:10:00',
      out_api: '0',
      status: `<script>${PWN}</script>`,
      order_number: '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
      parcel_companycode: `"><img src=x onerror=${PWN}>`,
      vote_score: '1',
      vote_comment: `<iframe src="javascript:${PWN}"></iframe>`,
      '<script>extra</script>': `<img src=x onerror=${PWN}>`,
    },
    message: [
      message('700001', { contents: `<script>${PWN}</script>` }),
      message('700002', { contents: `<img src=x onerror="${PWN}"><svg/onload=${PWN}>` }),
      message(`700003" onclick="${PWN}`, {
        user_type: 'H',
        from_id: 'agent',
        contents_type: 'nomal',
        contents: JSON.stringify({
          text: `<a href="javascript:${PWN}">클릭</a>`,
          link: {
            name: ['<script>x</script>', 'data', 'ok', 'spaced', 'upper', 'quotes'],
            url: [
              `javascript:${PWN}`,
              `data:text/html,<script>${PWN}</script>`,
              'https://shop.example.co.kr/ok?a=1&b="2"',
              ` javascript:${PWN}`,
              `JaVaScRiPt:${PWN}`,
              `https://x.example/"><script>${PWN}</script>`,
            ],
          },
          image_url: `javascript:${PWN}`,
        }),
      }),
      message('700004', {
        user_type: 'B',
        from_id: 'bot',
        contents_type: 'normal',
        contents: `{"text":"<script>${PWN}</script>","link":{"name":["쿠폰"],"url":["javascript:`,
      }),
      message('700005', {
        contents_type: 'image',
        contents: `https://img.example/a.png" onerror="${PWN}`,
      }),
      message('700006', {
        contents_type: 'image',
        contents: 'https://img.example/svg.svg',
      }),
      message('700007', {
        type: 'M',
        user_type: 'H',
        from_id: 'agent',
        contents: `</li></ol><script>${PWN}</script> 메모`,
      }),
      message('700008', {
        user_type: `<script>${PWN}</script>`,
        contents_type: 'template',
        contents: JSON.stringify({
          title: `<img src=x onerror=${PWN}>`,
          items: [{ title: `<script>${PWN}</script>` }],
        }),
      }),
    ],
  };
  return transcriptOfRoom(room, new Date('2024-05-01T01:10:05.000Z'));
}

/**
 * A room whose V2 templates try to break out of the page: markup in the
 * message, button names and types, `javascript:` and `data:` in pcUrl and
 * mobileUrl, a quote-closing URL, and a keyword chip with markup.
 */
export function hostileV2Transcript(): Transcript {
  const button = (fields: Record<string, unknown>) => fields;
  const room: SimRoom = {
    chat: {
      id: 'HostileRoomV200000000000000001',
      title: 'V2',
      reg_date: '2026-11-01 10:00:00',
      complate_date: '2026-11-01 10:10:00',
      out_api: '0',
      status: '2',
      tags: [`<script>${PWN}</script>`],
    },
    message: [
      {
        id: '710001',
        from_id: 'bot',
        to_id: 'customer',
        type: 'C',
        user_type: 'B',
        contents_type: 'template',
        send_date: '2026-11-01 10:00:00',
        read_date: '2026-11-01 10:00:00',
        contents: JSON.stringify({
          type: 'TEXT',
          message: `<img src=x onerror="${PWN}">안내`,
          isLocked: true,
          buttonList: [
            button({ type: 'WEB_LINK', name: `<script>${PWN}</script>`, pcUrl: `javascript:${PWN}` }),
            button({ type: 'WEB_LINK', name: 'data', mobileUrl: `data:text/html,<script>${PWN}</script>` }),
            button({
              type: 'WEB_LINK',
              name: 'ok',
              pcUrl: 'https://shop.example.co.kr/v2?a=1&b="2"',
              mobileUrl: ` JaVaScRiPt:${PWN}`,
            }),
            button({ type: `<b onmouseover="${PWN}">APP</b>`, name: '앱' }),
            button({ type: 'TEXT', name: `"><svg onload=${PWN}>` }),
          ],
        }),
      },
    ],
  };
  return transcriptOfRoom(room, new Date('2026-11-01T01:10:05.000Z'));
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A small RGB PNG drawn by `pixel(x, y)`, for image attachments: the tests need
 * real image bytes that a browser decodes, without any file to ship.
 */
export function pngImage(
  width: number,
  height: number,
  pixel: (x: number, y: number) => readonly [number, number, number],
): Uint8Array {
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3);
    for (let x = 0; x < width; x++) {
      const [red, green, blue] = pixel(x, y);
      rows.set([red, green, blue], row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([
      signature,
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', new Uint8Array()),
    ]),
  );
}

/** The URL of the picture in {@link completedWithImage}, in HappyTalk's image URL format. */
export const ORDER_SCREENSHOT_URL =
  'https://static.happytalk.io/data/chat_data/2024_03_11/c4ca4238a0b923820dcc509a6f75849b_w.png';

type Rgb = readonly [number, number, number];

function inBox(x: number, y: number, left: number, top: number, width: number, height: number): boolean {
  return x >= left && x < left + width && y >= top && y < top + height;
}

/** A drawing of a shop app's order page (a top bar, a status pill, lines of text) as a PNG. */
export function orderScreenshotPng(): Uint8Array {
  const lines: readonly (readonly [number, number, number])[] = [
    [16, 74, 150],
    [16, 94, 210],
    [16, 128, 120],
    [16, 146, 124],
    [16, 164, 96],
  ];
  return pngImage(240, 190, (x, y): Rgb => {
    if (inBox(x, y, 0, 0, 240, 34)) return inBox(x, y, 16, 13, 70, 8) ? [220, 232, 250] : [47, 111, 206];
    if (inBox(x, y, 16, 46, 64, 16)) return [255, 236, 204];
    if (inBox(x, y, 20, 51, 56, 6)) return [199, 118, 26];
    if (lines.some(([left, top, width]) => inBox(x, y, left, top, width, 7))) return [208, 214, 222];
    if (inBox(x, y, 150, 120, 74, 56))
      return inBox(x, y, 156, 126, 62, 44) ? [233, 221, 198] : [181, 140, 92];
    return y === 110 && x >= 16 && x < 224 ? [230, 233, 237] : [255, 255, 255];
  });
}

/**
 * The `completed` sample room with one more customer message: an image (a
 * screenshot of the order page) sent after the order number, and its archived
 * bytes. Only for showing an inline image in the screenshot and the browser test.
 */
export function completedWithImage(): { transcript: Transcript; attachments: Map<string, ImageAttachment> } {
  const room = sampleRooms().find((candidate) => candidate.chat.id === SAMPLE_ROOM_IDS.completed);
  if (room === undefined) {
    throw new Error('no completed sample room');
  }
  room.message.push({
    id: '563113',
    from_id: '1000225570_minji88',
    to_id: 'haneul.kim',
    type: 'C',
    user_type: 'C',
    contents_type: 'image',
    contents: ORDER_SCREENSHOT_URL,
    send_date: '2024-03-11 14:04:31',
    read_date: '2024-03-11 14:04:33',
  });
  return {
    transcript: transcriptOfRoom(room, new Date('2024-03-11T05:20:03.412Z')),
    attachments: new Map([[ORDER_SCREENSHOT_URL, { contentType: 'image/png', bytes: orderScreenshotPng() }]]),
  };
}
