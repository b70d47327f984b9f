import { describe, expect, it } from 'vitest';
import { ARCHIVER_VERSION } from '../../../lib/version.js';
import { InvalidTranscriptLineError } from '../../../lib/view/errors.js';
import { renderTranscriptHtml, TRANSCRIPT_VIEW_CSP } from '../../../lib/view/transcript-html.js';
import { transcriptHtmlFromLine } from '../../../lib/view/transcript-line.js';
import {
  hostileTranscript,
  hostileV2Transcript,
  PWN,
  pngImage,
  sampleImageUrls,
  sampleTranscript,
  specExampleTranscript,
} from './transcripts.js';

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/** The text a reader sees: tags removed, character references decoded. */
function visibleText(markup: string): string {
  return markup
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

interface Tag {
  name: string;
  attributes: Map<string, string>;
}

/**
 * Every tag of the page. Content never holds a raw `<` or `>` (both are
 * escaped), so each `<...>` is markup the renderer wrote.
 */
function tagsOf(markup: string): Tag[] {
  const body = markup.replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  return [...body.matchAll(/<(\/?[a-zA-Z!][a-zA-Z0-9]*)([^>]*)>/g)].map(([, name = '', rest = '']) => ({
    name: name.toLowerCase(),
    attributes: new Map(
      [...rest.matchAll(/\s([^\s="]+)(?:="([^"]*)")?/g)].map(([, key = '', value = '']) => [key, value]),
    ),
  }));
}

interface RenderedMessage {
  id: string;
  classes: string;
  markup: string;
}

function messagesOf(markup: string): RenderedMessage[] {
  return [...markup.matchAll(/<li class="([^"]*)" data-message-id="([^"]*)">([\s\S]*?)<\/li>\n/g)].map(
    ([, classes = '', id = '', inner = '']) => ({ id, classes, markup: inner }),
  );
}

function messageById(markup: string, id: string): RenderedMessage {
  const message = messagesOf(markup).find((candidate) => candidate.id === id);
  if (message === undefined) {
    throw new Error(`no message ${id} in the page`);
  }
  return message;
}

const ALLOWED_TAGS = new Set(
  'html head meta title style body main header footer section p h1 h2 h3 span dl dt dd div time ol ul li figure img figcaption a pre code table thead tbody tr th td bdi'.split(
    ' ',
  ),
);
const ALLOWED_ATTRIBUTES = new Set([
  'lang',
  'charset',
  'http-equiv',
  'name',
  'content',
  'class',
  'aria-label',
  'datetime',
  'data-message-id',
  'href',
  'rel',
  'src',
  'alt',
]);

describe('renderTranscriptHtml', () => {
  it('renders a self-contained Korean UTF-8 page with a strict Content-Security-Policy', () => {
    // Act
    const page = renderTranscriptHtml(sampleTranscript('completed'));

    // Assess
    expect(page.startsWith('<!doctype html>\n<html lang="ko">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${TRANSCRIPT_VIEW_CSP}">`);
    expect(TRANSCRIPT_VIEW_CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:;/);
    expect(page).not.toMatch(/<script|<link|<iframe|<object|<embed|@import|url\(/i);
    expect(page).toContain("'Noto Sans CJK KR', 'Noto Sans KR', 'Malgun Gothic'");
    expect(page).toContain('@media print');
    expect(page).toContain('<title>상담 기록 · 주문한 상품 배송 문의</title>');
  });

  it('shows the header fields of the spec example', () => {
    // Prepare
    const transcript = specExampleTranscript();

    // Act
    const text = visibleText(
      renderTranscriptHtml(transcript, { archivedAt: new Date('2022-05-26T01:31:08Z') }),
    );

    // Assess
    for (const expected of [
      '방 IDuvR3XrI8jtybTq6ZfploAOxJcKNLCG',
      '1:1 채팅 상담 문의 드립니다.',
      '상태완료 (2)',
      '채널해피톡 (0)',
      '상담원test-lc',
      '고객 UUID1000225570_testuser',
      '고객 IDtestuser',
      '분류상품문의(샘플) (75345) › 일반상담(샘플) (75346)',
      '접수 시각2022-05-26 10:26:31 +09:00',
      '완료 시각2022-05-26 10:31:06 +09:00',
      '상담 시간4분 35초',
      '메시지1건 (고객 1)',
      '송장택배사 코드 W',
      '고객 평가\n평가 없음',
      '경고1건',
      `원본 SHA-256${transcript.source.sha256}`,
      '수집 시각2022-05-26 01:31:07 UTC',
      '보관 시각2022-05-26 01:31:08 UTC',
      '원본 APIhttps://customer.happytalk.io/user/api/chat_data/format/json',
      `보관 프로그램happytalk-archive ${ARCHIVER_VERSION} · schema v1`,
    ]) {
      expect(text).toContain(expected);
    }
    expect(transcript.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists the warnings in the appendix and shows the archive time as absent when not given', () => {
    // Act
    const page = renderTranscriptHtml(specExampleTranscript());

    // Assess
    expect(page).toContain(
      '<tr><td class="mono"><bdi>chat.parcel_companycode</bdi></td><td><bdi>unknown parcel_companycode code (not in the spec&#39;s table)</bdi></td><td class="mono value"><bdi>&quot;W&quot;</bdi></td></tr>',
    );
    expect(visibleText(page)).toContain('보관 시각—');
  });

  it('shows the rating score and comment', () => {
    // Act
    const text = visibleText(renderTranscriptHtml(sampleTranscript('completed')));

    // Assess
    expect(text).toContain('5점');
    expect(text).toContain('빠르고 친절한 상담 감사합니다!\n다음에도 이용할게요 😀');
  });

  it('renders one list item per message, in order, with a class per sender and side', () => {
    // Prepare
    const transcript = sampleTranscript('completed');

    // Act
    const messages = messagesOf(renderTranscriptHtml(transcript));

    // Assess
    expect(messages.map((message) => message.id)).toEqual(transcript.messages.map((message) => message.id));
    expect(messages.map((message) => [message.id, message.classes])).toEqual([
      ['563101', 'msg side-staff sender-bot'],
      ['563102', 'msg side-customer sender-customer'],
      ['563103', 'msg side-staff sender-bot'],
      ['563104', 'msg side-staff sender-counselor'],
      ['563105', 'msg side-customer sender-customer'],
      ['563106', 'msg side-memo sender-counselor memo'],
      ['563107', 'msg side-staff sender-counselor'],
      ['563108', 'msg side-customer sender-customer'],
      ['563109', 'msg side-staff sender-counselor'],
      ['563110', 'msg side-customer sender-customer'],
      ['563111', 'msg side-staff sender-counselor'],
      ['563112', 'msg side-customer sender-customer'],
    ]);
  });

  it('marks a memo as internal, and only the memo', () => {
    // Act
    const page = renderTranscriptHtml(sampleTranscript('completed'));

    // Assess
    const memo = messageById(page, '563106');
    expect(memo.markup).toContain('<p class="memo-flag">내부 메모 · 고객에게 보이지 않음</p>');
    expect(visibleText(memo.markup)).toContain(
      '배송 지연 건. 대한통운 집하 지연 확인 → 3/12 도착 예정 안내함',
    );
    expect(page.match(/class="memo-flag"/g)).toHaveLength(1);
  });

  it('labels the sender with the code label and the sender id, and shows local times with their offset', () => {
    // Act
    const message = messageById(renderTranscriptHtml(sampleTranscript('completed')), '563104');

    // Assess
    expect(visibleText(message.markup)).toContain(
      '상담원 haneul.kim2024-03-11 14:03:02 +09:00읽음 14:03:05#563104',
    );
    expect(message.markup).toContain('<time datetime="2024-03-11T14:03:02+09:00">');
  });

  it('handles template and other counselor senders, and an unknown status', () => {
    // Act
    const page = renderTranscriptHtml(sampleTranscript('oddCodes'));

    // Assess
    const classes = Object.fromEntries(messagesOf(page).map((message) => [message.id, message.classes]));
    expect(classes).toMatchObject({
      '568901': 'msg side-staff sender-template_question',
      '568902': 'msg side-customer sender-template_answer',
      '568904': 'msg side-staff sender-parcel_counselor',
      '568905': 'msg side-staff sender-product_counselor',
    });
    const text = visibleText(page);
    expect(visibleText(messageById(page, '568901').markup)).toContain('템플릿 질문 happytalk_bot');
    expect(visibleText(messageById(page, '568901').markup)).toContain(
      '어떤 도움이 필요하신가요?반품교환기타',
    );
    expect(visibleText(messageById(page, '568902').markup)).toContain('템플릿 답변');
    expect(visibleText(messageById(page, '568902').markup)).toContain('반품');
    expect(visibleText(messageById(page, '568904').markup)).toContain('택배 타상담원 parcel.jung');
    expect(text).toContain('상태알 수 없음 (7)');
    expect(page).toContain('<span class="status status-unknown">상태 <bdi>7</bdi></span>');
  });

  it('shows button links, turning only http(s) URLs into links', () => {
    // Act
    const page = renderTranscriptHtml(sampleTranscript('buttons'));

    // Assess
    const hrefs = tagsOf(page).flatMap((tag) => (tag.name === 'a' ? [tag.attributes.get('href')] : []));
    expect(hrefs).toEqual([
      'https://shop.example.co.kr/mypage/order',
      'https://shop.example.co.kr/mypage/delivery',
      'https://shop.example.co.kr/cs/connect',
      'https://shop.example.co.kr/mypage/delivery/651234567891',
    ]);
    expect(visibleText(messageById(page, '566701').markup)).toContain(
      '주문 조회 https://shop.example.co.kr/mypage/order',
    );
  });

  it('shows the raw contents of a button whose JSON is broken, and a template as its title and items', () => {
    // Act
    const page = renderTranscriptHtml(sampleTranscript('buttons'));

    // Assess
    const broken = messageById(page, '566706');
    expect(broken.markup).toContain('해석할 수 없는 내용 · 원문 그대로');
    expect(broken.markup).toContain(
      '<pre><bdi>{&quot;text&quot;:&quot;쿠폰함 바로가기&quot;,&quot;link&quot;:{&quot;name&quot;:[&quot;쿠폰함&quot;],&quot;url&quot;:[&quot;https://shop.example.co.kr/coupon</bdi></pre>',
    );
    expect(messageById(page, '566704').markup).toContain(
      '<p class="text"><bdi>자주 묻는 질문</bdi></p><ul class="choices"><li><bdi>배송은 얼마나 걸리나요?</bdi></li><li><bdi>교환/반품은 어떻게 하나요?</bdi></li></ul>',
    );
  });

  it('embeds archived images as data: URIs and shows the others as their URL with a placeholder', () => {
    // Prepare
    const [first, second, third] = sampleImageUrls();
    const bytes = pngImage(2, 2, () => [200, 30, 30]);
    const attachments = new Map([
      [first ?? '', { contentType: 'image/png', bytes }],
      [second ?? '', { contentType: 'IMAGE/JPEG; q=1', bytes }],
    ]);

    // Act
    const page = renderTranscriptHtml(sampleTranscript('images'), { attachments });

    // Assess
    const base64 = Buffer.from(bytes).toString('base64');
    expect(page).toContain(
      `<img src="data:image/png;base64,${base64}" alt="첨부 이미지"><figcaption class="url"><bdi>${first}</bdi></figcaption>`,
    );
    expect(page).toContain(`<img src="data:image/jpeg;base64,${base64}"`);
    expect(page).toContain(
      `<div class="placeholder">이미지 · 보관된 이미지 없음</div><figcaption class="url"><bdi>${third}</bdi></figcaption>`,
    );
    const sources = tagsOf(page).flatMap((tag) => (tag.name === 'img' ? [tag.attributes.get('src')] : []));
    expect(sources).toHaveLength(2);
  });

  it('never embeds an attachment of another type than a raster image', () => {
    // Prepare
    const [url = ''] = sampleImageUrls();
    const svg = new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" onload="${PWN}"/>`);

    // Act
    const asSvg = renderTranscriptHtml(sampleTranscript('images'), {
      attachments: new Map([[url, { contentType: 'image/svg+xml', bytes: svg }]]),
    });
    const asHostileType = renderTranscriptHtml(sampleTranscript('images'), {
      attachments: new Map([[url, { contentType: `image/png" onerror="${PWN}`, bytes: svg }]]),
    });

    // Assess
    expect(asSvg).not.toContain('<img');
    expect(asSvg).toContain('이미지 · 표시할 수 없는 형식 (<bdi>image/svg+xml</bdi>)');
    expect(asHostileType).not.toContain('<img');
    expect(asHostileType).toContain(
      '표시할 수 없는 형식 (<bdi>image/png&quot; onerror=&quot;window.__pwned=1;alert(1)</bdi>)',
    );
  });

  it('is the same page for the same transcript', () => {
    // Prepare
    const transcript = sampleTranscript('buttons');

    // Act
    const first = renderTranscriptHtml(transcript);
    const second = renderTranscriptHtml(structuredClone(transcript));

    // Assess
    expect(second).toBe(first);
  });
});

describe('renderTranscriptHtml of template V2 messages', () => {
  it('shows the text, link buttons as links (the mobile URL beside a different one) and keywords as chips', () => {
    // Act
    const page = renderTranscriptHtml(sampleTranscript('templatesV2'));

    // Assess
    const menu = messageById(page, '581001');
    expect(visibleText(menu.markup)).toContain(
      '안녕하세요! 해피쇼핑 챗봇입니다.\n원하시는 메뉴를 선택해 주세요.',
    );
    expect(menu.markup).toContain(
      '<ul class="chips" aria-label="버튼"><li class="chip"><bdi>주문 조회</bdi></li><li class="chip"><bdi>배송 조회</bdi></li>' +
        '<li class="chip"><bdi>교환/반품</bdi></li><li class="chip"><bdi>상담사 연결</bdi></li></ul>',
    );
    const documented = messageById(page, '581004');
    expect(visibleText(documented.markup)).toContain(
      '텍스트 + 버튼에 텍스트링크 https://example.com봇키워드',
    );
    const delivery = messageById(page, '581003');
    expect(visibleText(delivery.markup)).toContain(
      '배송 상세 보기 https://m.shop.example.co.kr/mypage/delivery/651234567892',
    );
    expect(visibleText(delivery.markup)).toContain('APP_LINK 앱에서 보기');
    const guide = messageById(renderTranscriptHtml(sampleTranscript('counselorV2')), '582102');
    expect(
      tagsOf(guide.markup).flatMap((tag) => (tag.name === 'a' ? [tag.attributes.get('href')] : [])),
    ).toEqual([
      'https://shop.example.co.kr/mypage/return/20261120-0042001',
      'https://m.shop.example.co.kr/mypage/return/20261120-0042001',
    ]);
    expect(visibleText(guide.markup)).toContain(
      '반품 신청 https://shop.example.co.kr/mypage/return/20261120-0042001 모바일',
    );
  });

  it('shows a template with nothing readable as its raw contents', () => {
    // Act
    const page = renderTranscriptHtml(sampleTranscript('templatesV2'));

    // Assess
    const unreadable = messageById(page, '581006');
    expect(unreadable.markup).toContain('해석할 수 없는 내용 · 원문 그대로');
    expect(visibleText(unreadable.markup)).toContain(
      '{"type":"TEXT","message":"","isLocked":false,"buttonList":[]}',
    );
  });

  it('still shows the links of a transcript derived before buttons existed', () => {
    // Prepare
    const transcript = sampleTranscript('buttons');
    for (const message of transcript.messages) delete message.buttons;

    // Act
    const page = renderTranscriptHtml(transcript);

    // Assess
    expect(tagsOf(page).filter((tag) => tag.name === 'a')).toHaveLength(4);
    expect(page).not.toContain('class="chips"');
  });

  it('escapes hostile V2 values and links only to http(s) URLs', () => {
    // Act
    const page = renderTranscriptHtml(hostileV2Transcript());
    const tags = tagsOf(page);

    // Assess
    expect(page).not.toMatch(/<script/i);
    expect(tags.flatMap((tag) => (tag.name === 'a' ? [tag.attributes.get('href')] : []))).toEqual([
      'https://shop.example.co.kr/v2?a=1&amp;b=%222%22',
    ]);
    expect(tags.map((tag) => tag.name.replace(/^\//, '')).filter((name) => !ALLOWED_TAGS.has(name))).toEqual([
      '!doctype',
    ]);
    expect(
      tags.flatMap((tag) => [...tag.attributes.keys()].filter((key) => !ALLOWED_ATTRIBUTES.has(key))),
    ).toEqual(['html']);
    const text = visibleText(page);
    expect(text).toContain(`<img src=x onerror="${PWN}">안내`);
    expect(text).toContain(
      `<script>${PWN}</script> javascript:${PWN} (웹 주소가 아니어서 링크로 만들지 않음)`,
    );
    expect(text).toContain(`<b onmouseover="${PWN}">APP</b> 앱`);
    expect(text).toContain(`"><svg onload=${PWN}>`);
    expect(text).toContain(`태그<script>${PWN}</script>`);
  });

  it('shows the tags of the room in the header', () => {
    // Act
    const text = visibleText(renderTranscriptHtml(sampleTranscript('counselorV2')));

    // Assess
    expect(text).toContain('태그#반품#재문의');
  });
});

describe('renderTranscriptHtml with hostile content', () => {
  const page = renderTranscriptHtml(hostileTranscript(), {
    attachments: new Map([
      ['https://img.example/svg.svg', { contentType: 'image/svg+xml', bytes: new Uint8Array([60, 115]) }],
    ]),
  });

  it('writes no script, and only tags and attributes of its own', () => {
    // Act
    const tags = tagsOf(page);

    // Assess
    expect(page).not.toMatch(/<script/i);
    expect(tags.length).toBeGreaterThan(100);
    expect(tags.map((tag) => tag.name.replace(/^\//, '')).filter((name) => !ALLOWED_TAGS.has(name))).toEqual([
      '!doctype',
    ]);
    expect(
      tags.flatMap((tag) => [...tag.attributes.keys()].filter((key) => !ALLOWED_ATTRIBUTES.has(key))),
    ).toEqual(['html']);
  });

  it('links only to http(s) URLs and embeds no image', () => {
    // Act
    const tags = tagsOf(page);

    // Assess
    const hrefs = tags.flatMap((tag) => (tag.attributes.has('href') ? [tag.attributes.get('href')] : []));
    expect(hrefs).toEqual([
      'https://shop.example.co.kr/ok?a=1&amp;b=%222%22',
      'https://x.example/%22%3E%3Cscript%3Ewindow.__pwned=1;alert(1)%3C/script%3E',
    ]);
    expect(tags.filter((tag) => tag.attributes.has('src'))).toEqual([]);
    expect(page).not.toMatch(/href="\s*(?:javascript|data):/i);
  });

  it('shows every hostile value as escaped text', () => {
    // Act
    const text = visibleText(page);

    // Assess
    expect(page).toContain(
      '<title>상담 기록 · &lt;/title&gt;&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;</title>',
    );
    expect(page).toContain(
      '<p class="text"><bdi>&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;</bdi></p>',
    );
    expect(page).toContain('&lt;img src=x onerror=&quot;window.__pwned=1;alert(1)&quot;&gt;');
    expect(page).toContain('data-message-id="700003&quot; onclick=&quot;window.__pwned=1;alert(1)"');
    expect(text).toContain(`javascript:${PWN} (웹 주소가 아니어서 링크로 만들지 않음)`);
    expect(text).toContain(`data:text/html,<script>${PWN}</script> (웹 주소가 아니어서 링크로 만들지 않음)`);
    expect(text).toContain(`</li></ol><script>${PWN}</script> 메모`);
    expect(text).toContain('<base href="https://evil.example/">');
    expect(text).toContain('이미지 · 표시할 수 없는 형식 (image/svg+xml)');
    expect(text).toContain(`발신자 코드 <script>${PWN}</script>`);
  });

  it('renders every message, the memo marked, and the broken button as raw text', () => {
    // Act
    const messages = messagesOf(page);

    // Assess
    expect(messages).toHaveLength(8);
    expect(messageById(page, '700007').classes).toBe('msg side-memo sender-counselor memo');
    expect(messageById(page, '700008').classes).toBe('msg side-other sender-unknown');
    expect(messageById(page, '700004').markup).toContain(
      '<pre><bdi>{&quot;text&quot;:&quot;&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;&quot;',
    );
  });
});

describe('transcriptHtmlFromLine', () => {
  it('renders a stored transcript line as renderTranscriptHtml renders the transcript', () => {
    // Prepare
    const transcript = sampleTranscript('completed');
    const options = { archivedAt: '2024-03-11T05:20:04.087Z' };

    // Act
    const page = transcriptHtmlFromLine(`${JSON.stringify(transcript)}\n`, options);

    // Assess
    expect(page).toBe(renderTranscriptHtml(transcript, options));
    expect(visibleText(page)).toContain('보관 시각2024-03-11 05:20:04 UTC');
  });

  it('throws a clear error, without the line content, on invalid JSON', () => {
    // Prepare
    const line = '{"room_id":"민지 010-2345-6789"';

    // Act
    const render = () => transcriptHtmlFromLine(line);

    // Assess
    expect(render).toThrow(InvalidTranscriptLineError);
    expect(render).toThrow(`transcript line is not valid JSON (${line.length} characters)`);
    expect(render).not.toThrow(/010/);
  });

  it('throws when the JSON is not a transcript v1, naming the field', () => {
    // Prepare
    const line = JSON.stringify({ ...sampleTranscript('completed'), schema_version: 2 });

    // Act
    const render = () => transcriptHtmlFromLine(line);

    // Assess
    expect(render).toThrow(InvalidTranscriptLineError);
    expect(render).toThrow(/^transcript line is not a transcript v1 \(schema_version: /);
  });
});
