/** The conversation of the transcript page: one item per message, on the customer's or the staff's side. */
import { isRecord } from '../shared/records.js';
import { SENDER_CODES } from '../transcript/codes.js';
import type { Button, Code, Link, Message, Transcript } from '../transcript/schema.js';
import { html, type SafeHtml } from './html.js';
import type { ImageAttachment } from './transcript-html.js';
import { isolated, jsonText, timeOf, timeParts } from './view-values.js';

/** The Korean label of each sender, by its slug. */
export const SENDER_LABELS: ReadonlyMap<string, string> = new Map(
  [...SENDER_CODES.codes.values()].map((code) => [code.name, code.label]),
);
const CUSTOMER_SIDE: ReadonlySet<string> = new Set(['customer', 'template_answer']);

/** The sender's slug when it is a known one (it becomes a class name), else `unknown`. */
function senderClass(sender: Code | null): string {
  return sender?.name && SENDER_LABELS.has(sender.name) ? sender.name : 'unknown';
}

function sideOf(sender: string): 'customer' | 'staff' | 'other' {
  if (CUSTOMER_SIDE.has(sender)) return 'customer';
  return sender === 'unknown' ? 'other' : 'staff';
}

function isMemo(message: Message): boolean {
  return message.type?.code === 'M';
}

export function conversation(
  transcript: Transcript,
  attachments: ReadonlyMap<string, ImageAttachment> | undefined,
): SafeHtml {
  const items = transcript.messages.map((message) => messageItem(message, attachments));
  const body =
    items.length === 0
      ? html`<p class="none">메시지 없음</p>`
      : html`<ol class="messages">
${items}</ol>`;
  return html`<section class="conversation" aria-label="대화">
<h2>대화 <span class="aside">${transcript.messages.length}건 · 시각은 HappyTalk 현지 시각</span></h2>
${body}
</section>`;
}

function messageItem(
  message: Message,
  attachments: ReadonlyMap<string, ImageAttachment> | undefined,
): SafeHtml {
  const sender = senderClass(message.sender);
  const memo = isMemo(message);
  const side = memo ? 'memo' : sideOf(sender);
  const classes = `msg side-${side} sender-${sender}${memo ? ' memo' : ''}`;
  const memoFlag = memo
    ? html`<p class="memo-flag">내부 메모 · 고객에게 보이지 않음</p>`
    : message.type === null || message.type.code === 'C'
      ? ''
      : html`<p class="type-flag">메시지 유형 ${message.type.label ?? isolated(message.type.code)}</p>`;
  return html`<li class="${classes}" data-message-id="${message.id}">
<div class="meta"><span class="who"><span class="role">${senderLabel(message.sender)}</span>${message.from_id === null ? '' : html` <span class="from">${isolated(message.from_id)}</span>`}</span>${contentTypeTag(message.content_type)}<span class="when">${timeOf(message.sent_at)}</span>${readText(message)}<span class="msg-id">#${isolated(message.id)}</span></div>
<div class="bubble">${memoFlag}${messageBody(message, attachments)}${extraText(message.extra)}</div>
</li>
`;
}

function senderLabel(sender: Code | null): SafeHtml | string {
  if (sender === null) {
    return '발신자 없음';
  }
  return sender.label ?? sender.name ?? html`발신자 코드 ${isolated(sender.code)}`;
}

function contentTypeTag(contentType: Code | null): SafeHtml | string {
  if (contentType === null || contentType.name === 'text') {
    return '';
  }
  return html`<span class="tag">${contentType.label ?? html`내용 유형 ${isolated(contentType.code)}`}</span>`;
}

/** When the message was read: the clock alone when it is the day and offset of sending. */
function readText(message: Message): SafeHtml | string {
  if (message.read_at === null || message.read_at === message.sent_at) {
    return '';
  }
  const read = timeParts(message.read_at);
  const sent = message.sent_at === null ? null : timeParts(message.sent_at);
  if (read !== null && sent !== null && read.date === sent.date && read.zone === sent.zone) {
    return html`<span class="read">읽음 <time datetime="${message.read_at}">${read.clock}</time></span>`;
  }
  return html`<span class="read">읽음 ${timeOf(message.read_at)}</span>`;
}

function messageBody(
  message: Message,
  attachments: ReadonlyMap<string, ImageAttachment> | undefined,
): SafeHtml {
  const kind = message.content_type?.name;
  const rich = kind === 'button' || kind === 'template';
  const parts: SafeHtml[] = [];
  if (message.text !== null) {
    parts.push(html`<p class="text">${isolated(message.text)}</p>`);
  }
  const summary = rich && message.text === null ? templateSummary(message.contents) : null;
  if (summary !== null) {
    parts.push(summary);
  }
  if (message.image_url !== null) {
    parts.push(imageFigure(message.image_url, attachments));
  }
  // Transcripts derived before buttons existed have links only.
  if (message.buttons !== undefined) {
    if (message.buttons.length > 0) parts.push(buttonList(message.buttons));
  } else if (message.links.length > 0) {
    parts.push(linkList(message.links));
  }
  if (rich && parts.length === 0 && message.contents !== null) {
    parts.push(
      html`<div class="raw"><p class="raw-label">해석할 수 없는 내용 · 원문 그대로</p><pre>${isolated(message.contents)}</pre></div>`,
    );
  }
  if (parts.length === 0) {
    parts.push(html`<p class="none">(내용 없음)</p>`);
  }
  return html`${parts}`;
}

function stringOf(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  return typeof value === 'number' ? String(value) : null;
}

/**
 * The readable part of a template's contents, whose keys vary (`title` and
 * `items`, `question` and `options`, `answer`): null when there is none.
 */
function templateSummary(contents: string | null): SafeHtml | null {
  if (contents === null) {
    return null;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(contents);
  } catch {
    return null;
  }
  if (!isRecord(payload)) {
    return null;
  }
  const heading = stringOf(payload.title) ?? stringOf(payload.question) ?? stringOf(payload.answer);
  const rawChoices = Array.isArray(payload.items)
    ? payload.items
    : Array.isArray(payload.options)
      ? payload.options
      : [];
  const choices = rawChoices.flatMap((choice) => {
    const text = isRecord(choice) ? (stringOf(choice.title) ?? stringOf(choice.name)) : stringOf(choice);
    return text === null ? [] : [html`<li>${isolated(text)}</li>`];
  });
  if (heading === null && choices.length === 0) {
    return null;
  }
  return html`${heading === null ? '' : html`<p class="text">${isolated(heading)}</p>`}${choices.length ? html`<ul class="choices">${choices}</ul>` : ''}`;
}

const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
]);

function imageFigure(url: string, attachments: ReadonlyMap<string, ImageAttachment> | undefined): SafeHtml {
  const attachment = attachments?.get(url);
  const contentType = attachment?.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const caption = html`<figcaption class="url">${isolated(url)}</figcaption>`;
  if (attachment !== undefined && INLINE_IMAGE_TYPES.has(contentType)) {
    const { buffer, byteOffset, byteLength } = attachment.bytes;
    const base64 = Buffer.from(buffer, byteOffset, byteLength).toString('base64');
    return html`<figure class="image"><img src="data:${contentType};base64,${base64}" alt="첨부 이미지">${caption}</figure>`;
  }
  const reason =
    attachment === undefined
      ? '보관된 이미지 없음'
      : html`표시할 수 없는 형식 (${isolated(attachment.contentType)})`;
  return html`<figure class="image missing"><div class="placeholder">이미지 · ${reason}</div>${caption}</figure>`;
}

/** The URL, normalized, when it is http(s); null for anything else (javascript:, data:, relative, broken). */
function webHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A URL as a link when it is http(s), else as text that says why it is not one. */
function linkTarget(url: string): SafeHtml {
  const href = webHref(url);
  return href === null
    ? html`<span class="url not-link">${isolated(url)}</span> <span class="aside">(웹 주소가 아니어서 링크로 만들지 않음)</span>`
    : html`<a class="url" href="${href}" rel="noopener noreferrer">${isolated(url)}</a>`;
}

function linkList(links: readonly Link[]): SafeHtml {
  const items = links.map((link) => {
    const name = link.name === null ? '' : html`<span class="link-name">${isolated(link.name)}</span> `;
    return html`<li>${name}${linkTarget(link.url)}</li>`;
  });
  return html`<ul class="links">${items}</ul>`;
}

/** The type of a button beside its name, except for the usual ones (V1 links, web links, keywords). */
const PLAIN_BUTTON_TYPES: ReadonlySet<string> = new Set(['WEB_LINK', 'TEXT']);

/**
 * The buttons in their order: those with a URL as links (the mobile URL beside
 * it when it differs), the others (bot keywords, V2 types without a URL) as
 * chips, in one list each.
 */
function buttonList(buttons: readonly Button[]): SafeHtml {
  const links: SafeHtml[] = [];
  const chips: SafeHtml[] = [];
  for (const button of buttons) {
    const type =
      button.type === null || PLAIN_BUTTON_TYPES.has(button.type)
        ? ''
        : html`<span class="button-type">${isolated(button.type)}</span> `;
    const url = button.url ?? button.mobile_url;
    if (url === null) {
      chips.push(
        html`<li class="chip">${type}${button.name === null ? html`<span class="none">(이름 없음)</span>` : isolated(button.name)}</li>`,
      );
      continue;
    }
    const name = button.name === null ? '' : html`<span class="link-name">${isolated(button.name)}</span> `;
    const mobile =
      button.mobile_url !== null && button.mobile_url !== url
        ? html` <span class="mobile"><span class="aside">모바일</span> ${linkTarget(button.mobile_url)}</span>`
        : '';
    links.push(html`<li>${type}${name}${linkTarget(url)}${mobile}</li>`);
  }
  return html`${links.length > 0 ? html`<ul class="links">${links}</ul>` : ''}${chips.length > 0 ? html`<ul class="chips" aria-label="버튼">${chips}</ul>` : ''}`;
}

function extraText(extra: Record<string, unknown>): SafeHtml | string {
  return Object.keys(extra).length === 0
    ? ''
    : html`<p class="extra"><span class="aside">추가 필드</span> <code>${isolated(jsonText(extra, 500))}</code></p>`;
}
