import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTranscriptHtml, TRANSCRIPT_VIEW_CSP } from '../../../lib/view/transcript-html.js';
import {
  completedWithImage,
  hostileTranscript,
  hostileV2Transcript,
  pngImage,
  sampleImageUrls,
  sampleTranscript,
} from '../../unit/view/transcripts.js';
import { launchChromium } from './chromium.js';

// The browser globals that the functions given to page.evaluate use there: this project compiles
// without the DOM library, and these declarations stay local to this module.
declare const window: { __pwned?: unknown };
declare const document: {
  readonly scripts: { readonly length: number };
  querySelectorAll(selector: string): Iterable<{ readonly outerHTML: string; getAttributeNames(): string[] }>;
};
declare function getComputedStyle(element: unknown): { readonly borderTopStyle: string };
interface TextNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<TextNode>;
}
declare const browserDocument: {
  querySelector(selector: string): TextNode | null;
  createRange(): {
    setStart(node: TextNode, offset: number): void;
    setEnd(node: TextNode, offset: number): void;
    getBoundingClientRect(): { readonly left: number };
  };
};
type ImageElement = { readonly naturalWidth: number };

/** Screenshots for a person to look at; test-results/ is git-ignored. */
const ARTIFACTS = fileURLToPath(new URL('../../../test-results/view/', import.meta.url));

let browser: Browser | undefined;
let pagesDir = '';

beforeAll(async () => {
  browser = await launchChromium();
  pagesDir = mkdtempSync(join(tmpdir(), 'transcript-view-'));
  mkdirSync(ARTIFACTS, { recursive: true });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (pagesDir) rmSync(pagesDir, { recursive: true, force: true });
}, 30_000);

interface LoadedPage {
  readonly page: Page;
  readonly url: string;
  /** Messages of every alert, confirm or prompt the page opened. */
  readonly dialogs: string[];
  /** Every request the page made, the document's own included. */
  readonly requests: string[];
}

/** Loads markup from a file:// URL in a fresh context, recording dialogs and requests. */
async function load(markup: string, name: string): Promise<LoadedPage> {
  if (browser === undefined) throw new Error('Chromium did not start');
  const file = join(pagesDir, `${name}.html`);
  writeFileSync(file, markup);
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport: { width: 920, height: 1000 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const requests: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    requests.push(request.url());
  });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  return { page, url, dialogs, requests };
}

async function pwned(page: Page): Promise<unknown> {
  return page.evaluate(() => window.__pwned);
}

async function hrefs(page: Page): Promise<string[]> {
  return page
    .locator('a[href]')
    .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href') ?? ''));
}

async function elementsWithEventHandlers(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('*')].flatMap((element) =>
      element.getAttributeNames().some((name) => name.toLowerCase().startsWith('on'))
        ? [element.outerHTML]
        : [],
    ),
  );
}

/**
 * Where the first and the last character of an element's text are drawn, left
 * to right: text read left to right has `first < last`.
 */
async function characterPositions(page: Page, selector: string): Promise<{ first: number; last: number }> {
  return page.evaluate((target) => {
    const document = (globalThis as unknown as { document: typeof browserDocument }).document;
    const textNodes = (node: TextNode): TextNode[] =>
      node.nodeType === 3 ? [node] : Array.from(node.childNodes).flatMap(textNodes);
    const element = document.querySelector(target);
    if (element === null) throw new Error(`no ${target}`);
    const nodes = textNodes(element).filter((node) => (node.textContent ?? '').length > 0);
    const left = (node: TextNode, offset: number) => {
      const range = document.createRange();
      range.setStart(node, offset);
      range.setEnd(node, offset + 1);
      return range.getBoundingClientRect().left;
    };
    const first = nodes[0];
    const last = nodes.at(-1);
    if (first === undefined || last === undefined) throw new Error(`no text in ${target}`);
    return { first: left(first, 0), last: left(last, (last.textContent ?? '').length - 1) };
  }, selector);
}

describe('the transcript view in Chromium', () => {
  it('detects execution and requests when a page has no protection (the probes work)', async () => {
    // Prepare
    const unprotected = `<!doctype html><html><body><script>window.__pwned=1;alert('script')</script><img src="missing.png"></body></html>`;

    // Act
    const { page, url, dialogs, requests } = await load(unprotected, 'control');

    // Assess
    expect(await pwned(page)).toBe(1);
    expect(dialogs).toEqual(['script']);
    expect(requests).toEqual([url, new URL('missing.png', url).href]);
    await page.context().close();
  });

  it('renders the completed room as a conversation with its memo marked', async () => {
    // Prepare
    const { transcript, attachments } = completedWithImage();
    const markup = renderTranscriptHtml(transcript, {
      attachments,
      archivedAt: new Date('2024-03-11T05:20:04.087Z'),
    });

    // Act
    const { page, url, dialogs, requests } = await load(markup, 'completed');

    // Assess
    await page.screenshot({ path: join(ARTIFACTS, 'completed.png'), fullPage: true });
    const header = await page.locator('header.doc-header').textContent();
    expect(header).toContain(transcript.room_id);
    expect(header).toContain('완료');
    expect(header).toContain('김하늘');
    expect(await page.locator('li.msg').count()).toBe(transcript.messages.length);
    expect(await page.locator('li.msg.sender-customer').count()).toBe(6);
    expect(await page.locator('li.msg.sender-counselor').count()).toBe(5);
    expect(await page.locator('li.msg.sender-bot').count()).toBe(2);
    const memo = page.locator('li.msg.memo');
    expect(await memo.count()).toBe(1);
    expect(await memo.isVisible()).toBe(true);
    expect(await memo.locator('.memo-flag').textContent()).toBe('내부 메모 · 고객에게 보이지 않음');
    expect(await memo.locator('.bubble').evaluate((bubble) => getComputedStyle(bubble).borderTopStyle)).toBe(
      'dashed',
    );
    const image = page.locator('li.msg img');
    expect(await image.evaluate((element) => (element as unknown as ImageElement).naturalWidth)).toBe(240);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([url]);
    await page.context().close();
  });

  it('puts the customer on the left and the counselor on the right', async () => {
    // Prepare
    const markup = renderTranscriptHtml(sampleTranscript('completed'));

    // Act
    const { page } = await load(markup, 'sides');

    // Assess
    const list = await page.locator('ol.messages').boundingBox();
    const customer = await page.locator('li[data-message-id="563102"]').boundingBox();
    const counselor = await page.locator('li[data-message-id="563104"]').boundingBox();
    if (list === null || customer === null || counselor === null)
      throw new Error('messages are not laid out');
    expect(customer.x).toBeCloseTo(list.x, 0);
    expect(counselor.x + counselor.width).toBeCloseTo(list.x + list.width, 0);
    expect(counselor.x).toBeGreaterThan(customer.x + 50);
    await page.context().close();
  });

  it('shows the buttons room with http(s) links only', async () => {
    // Prepare
    const transcript = sampleTranscript('buttons');

    // Act
    const { page, url, dialogs, requests } = await load(renderTranscriptHtml(transcript), 'buttons');

    // Assess
    await page.screenshot({ path: join(ARTIFACTS, 'buttons.png'), fullPage: true });
    expect(await page.locator('li.msg').count()).toBe(7);
    expect(await page.locator('header.doc-header').textContent()).toContain('챗봇종료');
    expect(await hrefs(page)).toEqual([
      'https://shop.example.co.kr/mypage/order',
      'https://shop.example.co.kr/mypage/delivery',
      'https://shop.example.co.kr/cs/connect',
      'https://shop.example.co.kr/mypage/delivery/651234567891',
    ]);
    expect(await page.locator('li[data-message-id="566706"] pre').isVisible()).toBe(true);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('.placeholder').count()).toBe(1);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([url]);
    await page.context().close();
  });

  it('shows a template V2 room: its text, link buttons as links, keyword buttons as chips', async () => {
    // Prepare
    const transcript = sampleTranscript('templatesV2');

    // Act
    const { page, url, dialogs, requests } = await load(renderTranscriptHtml(transcript), 'templates-v2');

    // Assess
    await page.screenshot({ path: join(ARTIFACTS, 'templates-v2.png'), fullPage: true });
    expect(await page.locator('li.msg').count()).toBe(10);
    const menu = page.locator('li[data-message-id="581001"]');
    expect(await menu.locator('p.text').textContent()).toBe(
      '안녕하세요! 해피쇼핑 챗봇입니다.\n원하시는 메뉴를 선택해 주세요.',
    );
    expect(await menu.locator('li.chip').allInnerTexts()).toEqual([
      '주문 조회',
      '배송 조회',
      '교환/반품',
      '상담사 연결',
    ]);
    expect(await menu.locator('li.chip').first().isVisible()).toBe(true);
    const documented = page.locator('li[data-message-id="581004"]');
    expect(await documented.locator('p.text').textContent()).toBe('텍스트 + 버튼에 텍스트');
    expect(await documented.locator('a.url').getAttribute('href')).toBe('https://example.com/');
    expect(await documented.locator('li.chip').allInnerTexts()).toEqual(['봇키워드']);
    expect(await hrefs(page)).toEqual([
      'https://m.shop.example.co.kr/mypage/delivery/651234567892',
      'https://example.com/',
    ]);
    expect(await page.locator('li[data-message-id="581006"] pre').isVisible()).toBe(true);
    expect(await page.locator('.tag-chip').allInnerTexts()).toEqual(['#배송문의', '#챗봇']);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([url]);
    await page.context().close();
  });

  it('runs nothing and links only http(s) URLs for hostile template V2 content', async () => {
    // Act
    const { page, url, dialogs, requests } = await load(
      renderTranscriptHtml(hostileV2Transcript()),
      'hostile-v2',
    );
    await page.mouse.move(300, 300);

    // Assess
    expect(dialogs).toEqual([]);
    expect(await pwned(page)).toBeUndefined();
    expect(requests).toEqual([url]);
    expect(await elementsWithEventHandlers(page)).toEqual([]);
    expect(await hrefs(page)).toEqual(['https://shop.example.co.kr/v2?a=1&b=%222%22']);
    expect(await page.locator('li.chip').count()).toBe(2);
    await page.context().close();
  });

  it('shows archived images inline without requesting anything', async () => {
    // Prepare
    const attachments = new Map(
      sampleImageUrls().map((imageUrl, index) => [
        imageUrl,
        { contentType: 'image/png', bytes: pngImage(40 + index, 30, (x) => [x * 6, 120, 200]) },
      ]),
    );

    // Act
    const { page, url, requests } = await load(
      renderTranscriptHtml(sampleTranscript('images'), { attachments }),
      'images',
    );

    // Assess
    await page.screenshot({ path: join(ARTIFACTS, 'images.png'), fullPage: true });
    const widths = await page
      .locator('img')
      .evaluateAll((images) => images.map((image) => (image as unknown as ImageElement).naturalWidth));
    expect(widths).toEqual([40, 41, 42]);
    expect(requests).toEqual([url]);
    await page.context().close();
  });

  it('runs nothing and requests nothing for hostile content', async () => {
    // Prepare
    const transcript = hostileTranscript();

    // Act
    const { page, url, dialogs, requests } = await load(renderTranscriptHtml(transcript), 'hostile');
    await page.mouse.move(300, 300);
    await page.mouse.move(600, 900);

    // Assess
    await page.screenshot({ path: join(ARTIFACTS, 'hostile.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(await pwned(page)).toBeUndefined();
    expect(requests).toEqual([url]);
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);
    expect(await page.locator('iframe, object, embed, base, link, svg, img, form, script').count()).toBe(0);
    expect(await elementsWithEventHandlers(page)).toEqual([]);
    expect(await hrefs(page)).toEqual([
      'https://shop.example.co.kr/ok?a=1&b=%222%22',
      'https://x.example/%22%3E%3Cscript%3Ewindow.__pwned=1;alert(1)%3C/script%3E',
    ]);
    expect(await page.title()).toBe(`상담 기록 · ${transcript.chat.title}`);
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(
      TRANSCRIPT_VIEW_CSP,
    );
    expect(await page.locator('li.msg').count()).toBe(8);
    expect(await page.locator('li.msg.memo .memo-flag').isVisible()).toBe(true);
    await page.context().close();
  });

  it('runs nothing for hostile content even without the Content-Security-Policy', async () => {
    // Prepare
    const markup = renderTranscriptHtml(hostileTranscript());
    const withoutCsp = markup.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '');

    // Act
    const { page, url, dialogs, requests } = await load(withoutCsp, 'hostile-without-csp');
    await page.mouse.move(300, 300);
    await page.mouse.move(600, 900);

    // Assess
    expect(withoutCsp).not.toContain('Content-Security-Policy');
    expect(dialogs).toEqual([]);
    expect(await pwned(page)).toBeUndefined();
    expect(requests).toEqual([url]);
    expect(await elementsWithEventHandlers(page)).toEqual([]);
    await page.context().close();
  });

  it('isolates a value with a right-to-left override: the text after it still reads left to right', async () => {
    // Prepare: an override that is never closed, in a counselor name and in a button's label
    const transcript = sampleTranscript('completed');
    transcript.chat.counselor = { name: 'Mallory \u202E', nickname: 'nick.name' };
    const [first] = transcript.messages;
    if (first === undefined) throw new Error('the sample room has no message');
    first.text = '\u202E주문 취소 부탁드립니다';
    first.links = [{ name: '바로가기 \u202E', url: 'https://shop.example.co.kr/order/123' }];
    first.buttons = [
      { type: null, name: '바로가기 \u202E', url: 'https://shop.example.co.kr/order/123', mobile_url: null },
    ];

    // Act
    const { page } = await load(renderTranscriptHtml(transcript), 'right-to-left-override');

    // Assess
    await page.screenshot({ path: join(ARTIFACTS, 'right-to-left-override.png'), fullPage: true });
    const nickname = await characterPositions(page, 'header .facts .aside');
    const url = await characterPositions(page, `li[data-message-id="${first.id}"] a.url`);
    const flag = await characterPositions(page, `li[data-message-id="${first.id}"] .msg-id`);
    expect(nickname.first).toBeLessThan(nickname.last);
    expect(url.first).toBeLessThan(url.last);
    expect(flag.first).toBeLessThan(flag.last);
    expect(await page.locator(`li[data-message-id="${first.id}"] p.text bdi`).textContent()).toBe(first.text);
    await page.context().close();
  });
});
