import { isRecord } from '../shared/records.js';
import { SENDER_CODES } from '../transcript/codes.js';
import type { Button, Code, Link, Message, Transcript } from '../transcript/schema.js';
import { html, type SafeHtml } from './html.js';
import { TRANSCRIPT_VIEW_CSP } from './security-headers.js';

export { TRANSCRIPT_VIEW_CSP };

/** The archived bytes of one image of a transcript. */
export interface ImageAttachment {
  /**
   * The MIME type of `bytes`. Only `image/png`, `image/jpeg`, `image/gif`,
   * `image/webp` and `image/avif` are shown inline; any other type (SVG among
   * them) is shown as its URL with a placeholder.
   */
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** Options of {@link renderTranscriptHtml}. */
export interface TranscriptHtmlOptions {
  /**
   * The archived images, keyed by the image URL as the transcript has it
   * (`messages[].image_url`). They are embedded as `data:` URIs; an image
   * without an entry is shown as its URL with a placeholder, never fetched.
   */
  readonly attachments?: ReadonlyMap<string, ImageAttachment>;
  /** When the transcript was archived (the index's `archived_at`), shown in the header. */
  readonly archivedAt?: Date | string;
}

/**
 * Renders a transcript as a self-contained, printable HTML page (Korean, UTF-8):
 * a header with the room's metadata, rating, figures and provenance (SHA-256 of
 * the raw response, fetch and archive times), then the conversation, customer
 * on the left and counselor, bot and template messages on the right, memos set
 * apart as internal, and an appendix with the normalizer's warnings.
 *
 * The page makes no request and runs nothing: it has no script, its CSS is
 * inline, a strict Content-Security-Policy forbids everything else, images are
 * embedded from `options.attachments` only, and every value of the transcript
 * is escaped. Only `http:` and `https:` URLs become links; others are shown as
 * text. Every value of the transcript is isolated in a `<bdi>` element, so
 * bidirectional controls in it (a right-to-left override) reorder that value
 * only, never the text around it. Times are shown as the transcript has them, in HappyTalk's local time
 * with its offset (`2024-03-11 14:02:13 +09:00`).
 *
 * The same transcript and options always give the same page.
 */
export function renderTranscriptHtml(transcript: Transcript, options: TranscriptHtmlOptions = {}): string {
  const chat = transcript.chat;
  const documentTitle = `상담 기록 · ${chat.title ?? transcript.room_id}`;
  const page = html`<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${documentTitle}</title>
<style>${STYLE}</style>
</head>
<body>
<main class="page">
${header(transcript, options)}
${conversation(transcript, options.attachments)}
${appendix(transcript)}
<footer class="doc-footer">happytalk-archive ${transcript.source.archiver_version} · transcript schema v${transcript.schema_version} · 원본 응답은 SHA-256으로 식별되며 보관소의 raw/에 그대로 보관됩니다.</footer>
</main>
</body>
</html>
`;
  return page.toString();
}

const NONE = html`<span class="none">—</span>`;

/** A value of the transcript, isolated: its bidirectional controls cannot reach the text around it. */
function isolated(value: string): SafeHtml {
  return html`<bdi>${value}</bdi>`;
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface TimeParts {
  date: string;
  clock: string;
  zone: string;
}

function timeParts(value: string): TimeParts | null {
  const match = ISO_TIME.exec(value);
  if (match === null) {
    return null;
  }
  const [, date = '', clock = '', zone = ''] = match;
  return { date, clock, zone: zone === 'Z' ? 'UTC' : zone };
}

/** `2024-03-11 14:02:13 +09:00`, as the transcript has it; an unparseable value verbatim. */
function timeOf(value: string | null | undefined): SafeHtml {
  if (value === null || value === undefined) {
    return NONE;
  }
  const parts = timeParts(value);
  if (parts === null) {
    return html`<span class="time">${isolated(value)}</span>`;
  }
  return html`<time datetime="${value}">${parts.date} ${parts.clock} <span class="tz">${parts.zone}</span></time>`;
}

function archivedAtText(archivedAt: Date | string | undefined): SafeHtml {
  if (archivedAt === undefined) {
    return NONE;
  }
  if (typeof archivedAt === 'string') {
    return timeOf(archivedAt);
  }
  return Number.isNaN(archivedAt.getTime()) ? NONE : timeOf(archivedAt.toISOString());
}

function durationText(seconds: number | null): SafeHtml {
  if (seconds === null) {
    return NONE;
  }
  const total = Math.abs(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours}시간`);
  if (hours > 0 || minutes > 0) parts.push(`${minutes}분`);
  parts.push(`${total % 60}초`);
  return html`${seconds < 0 ? '-' : ''}${parts.join(' ')}`;
}

/** A code's Korean label with the raw code beside it; an unknown code as such. */
function codeText(code: Code | null): SafeHtml {
  if (code === null) {
    return NONE;
  }
  const label = code.label === null ? html`<span class="unknown">알 수 없음</span>` : code.label;
  return html`${label} <span class="code">(${isolated(code.code)})</span>`;
}

function textOrNone(value: string | null | undefined): SafeHtml {
  return value === null || value === undefined ? NONE : isolated(value);
}

/** The parts present, each isolated (a string is a value of the transcript), between separators. */
function joined(parts: readonly (SafeHtml | string | null)[], separator: string): SafeHtml | null {
  const present = parts.filter((part): part is SafeHtml | string => part !== null && part !== '');
  if (present.length === 0) {
    return null;
  }
  return html`${present.map(
    (part, index) => html`${index === 0 ? '' : separator}${typeof part === 'string' ? isolated(part) : part}`,
  )}`;
}

function fact(label: string, value: SafeHtml | string, wide = false): SafeHtml {
  const wideClass = wide ? html` class="wide"` : '';
  return html`<dt${wideClass}>${label}</dt><dd${wideClass}>${value}</dd>`;
}

function header(transcript: Transcript, options: TranscriptHtmlOptions): SafeHtml {
  const { chat, stats, source } = transcript;
  const status = chat.status;
  return html`<header class="doc-header">
<p class="kicker">HappyTalk 상담 기록 · 컴플라이언스 보관본</p>
<h1>${chat.title === null ? html`<span class="none">(제목 없음)</span>` : isolated(chat.title)}</h1>
<p class="status-line"><span class="status status-${statusClass(status)}">${status?.label ?? (status ? html`상태 ${isolated(status.code)}` : '상태 없음')}</span> <span class="room-id">${transcript.room_id}</span></p>
<section class="facts-section" aria-label="상담 정보">
<dl class="facts">
${fact('방 ID', html`<span class="mono">${transcript.room_id}</span>`)}${fact('상태', codeText(status))}
${fact('채널', codeText(chat.channel))}${fact('상담원', counselorText(chat.counselor))}
${fact('고객 UUID', html`<span class="mono">${textOrNone(chat.customer.uuid)}</span>`)}${fact('고객 ID', html`<span class="mono">${textOrNone(chat.customer.user_id)}</span>`)}
${fact('분류', categoryText(transcript), true)}
${fact('접수 시각', timeOf(chat.registered_at))}${fact('완료 시각', timeOf(chat.completed_at))}
${fact('상담 시간', durationText(stats.duration_seconds))}${fact('메시지', messageCountText(transcript))}
${orderFacts(transcript)}${deviceFact(transcript)}${parametersFact(chat.parameters)}${tagsFact(chat.tags)}
</dl>
</section>
<div class="panels">
<section class="panel rating" aria-label="고객 평가">
<h2>고객 평가</h2>
${ratingText(chat.rating)}
</section>
<section class="panel stats" aria-label="통계">
<h2>통계</h2>
<dl class="mini">
${fact('첫 메시지', timeOf(stats.first_message_at))}
${fact('마지막 메시지', timeOf(stats.last_message_at))}
${fact('경고', html`<span class="warning-count">${transcript.warnings.length}건</span>`)}
</dl>
</section>
</div>
<section class="panel provenance" aria-label="보관 정보">
<h2>보관 정보</h2>
<dl class="mini">
${fact('원본 SHA-256', html`<span class="mono sha256">${source.sha256}</span>`)}
${fact('수집 시각', timeOf(source.fetched_at))}
${fact('보관 시각', archivedAtText(options.archivedAt))}
${fact('원본 API', html`<span class="mono">${source.endpoint}</span>`)}
${fact('보관 프로그램', html`happytalk-archive ${isolated(source.archiver_version)} · schema v${transcript.schema_version}`)}
</dl>
</section>
</header>`;
}

const KNOWN_STATUSES: ReadonlySet<string> = new Set([
  'waiting',
  'in_progress',
  'completed',
  'deleted',
  'chatbot_ended',
]);

function statusClass(status: Code | null): string {
  return status?.name && KNOWN_STATUSES.has(status.name) ? status.name : 'unknown';
}

function counselorText(counselor: Transcript['chat']['counselor']): SafeHtml | string {
  const { name, nickname } = counselor;
  if (name !== null && nickname !== null && nickname !== name) {
    return html`${isolated(name)} <span class="aside">(${isolated(nickname)})</span>`;
  }
  return textOrNone(name ?? nickname);
}

function categoryText(transcript: Transcript): SafeHtml {
  const { category, division, subcategory } = transcript.chat;
  const level = (part: { id: string | null; name: string | null }) =>
    part.name === null && part.id === null
      ? null
      : html`${part.name === null ? '—' : isolated(part.name)}${part.id === null ? '' : html` <span class="code">(${isolated(part.id)})</span>`}`;
  return joined([level(category), level(division), subcategory], ' › ') ?? NONE;
}

function messageCountText(transcript: Transcript): SafeHtml {
  const counts = Object.entries(transcript.stats.by_sender).map(
    ([sender, count], index) =>
      html`${index === 0 ? '' : ' · '}${SENDER_LABELS.get(sender) ?? isolated(sender)} ${count}`,
  );
  return html`${transcript.stats.message_count}건${counts.length ? html` <span class="aside">(${counts})</span>` : ''}`;
}

function orderFacts(transcript: Transcript): SafeHtml | null {
  const order = transcript.chat.order;
  const company = order.parcel_company;
  const companyText =
    company === null ? null : (company.label ?? html`택배사 코드 ${isolated(company.code)}`);
  const parcel = joined([order.parcel_number, companyText], ' · ');
  const facts = [
    order.order_number === null
      ? null
      : fact('주문번호', html`<span class="mono">${isolated(order.order_number)}</span>`),
    order.product_number === null
      ? null
      : fact('상품번호', html`<span class="mono">${isolated(order.product_number)}</span>`),
    parcel === null ? null : fact('송장', parcel),
  ];
  return facts.some((entry) => entry !== null) ? html`${facts}` : null;
}

function deviceFact(transcript: Transcript): SafeHtml | null {
  const device = transcript.chat.device;
  const os = device.os === null ? null : (device.os.label ?? html`OS ${isolated(device.os.code)}`);
  const text = joined(
    [
      joined([os, device.os_version], ' '),
      device.model,
      device.telecom,
      device.app_version === null ? null : html`앱 ${isolated(device.app_version)}`,
      device.app_hash === null ? null : html`<span class="mono">${isolated(device.app_hash)}</span>`,
    ],
    ' · ',
  );
  return text === null ? null : fact('기기', text, true);
}

function parametersFact(parameters: readonly (string | null)[]): SafeHtml | null {
  const present = parameters.flatMap((value, index) =>
    value === null
      ? []
      : [html`<span class="param"><span class="code">${index + 1}</span> ${isolated(value)}</span>`],
  );
  return present.length === 0 ? null : fact('파라미터', html`${present}`, true);
}

function tagsFact(tags: readonly string[] | null | undefined): SafeHtml | null {
  if (tags === null || tags === undefined || tags.length === 0) return null;
  return fact('태그', html`${tags.map((tag) => html`<span class="tag-chip">${isolated(tag)}</span>`)}`, true);
}

function ratingText(rating: Transcript['chat']['rating']): SafeHtml {
  if (rating.score === null && rating.comment === null) {
    return html`<p class="none">평가 없음</p>`;
  }
  const score = rating.score === null ? NONE : html`<span class="score">${rating.score}점</span>`;
  const comment = rating.comment === null ? '' : html`<p class="comment">${isolated(rating.comment)}</p>`;
  return html`<p class="score-line">${score}</p>${comment}`;
}

// --- the conversation

const SENDER_LABELS: ReadonlyMap<string, string> = new Map(
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

function conversation(
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

function jsonText(value: unknown, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length}자 중 ${max}자)` : text;
}

function extraText(extra: Record<string, unknown>): SafeHtml | string {
  return Object.keys(extra).length === 0
    ? ''
    : html`<p class="extra"><span class="aside">추가 필드</span> <code>${isolated(jsonText(extra, 500))}</code></p>`;
}

// --- the appendix

function appendix(transcript: Transcript): SafeHtml {
  const warnings = transcript.warnings;
  const extra = transcript.chat.extra;
  const rows = warnings.map(
    (warning) =>
      html`<tr><td class="mono">${isolated(warning.path)}</td><td>${isolated(warning.reason)}</td><td class="mono value">${isolated(jsonText(warning.value, 300))}</td></tr>`,
  );
  const warningTable =
    warnings.length === 0
      ? html`<p class="none">경고 없음</p>`
      : html`<table class="warnings"><thead><tr><th>위치</th><th>사유</th><th>원래 값</th></tr></thead><tbody>${rows}</tbody></table>`;
  const extraBlock =
    Object.keys(extra).length === 0
      ? ''
      : html`<h3>명세에 없는 상담 필드 (chat.extra)</h3><pre class="json">${isolated(JSON.stringify(extra, null, 2))}</pre>`;
  return html`<section class="appendix" aria-label="정규화 경고">
<h2>정규화 경고 <span class="aside">${warnings.length}건</span></h2>
${warningTable}
${extraBlock}
</section>`;
}

// --- the style sheet

// Literal text only: a <style> element's content is not unescaped, so nothing may be interpolated here.
const STYLE = html`
:root {
  --ink: #1f2328; --muted: #5b6570; --line: #d5dbe1; --soft: #f5f7f9;
  --sans: 'Noto Sans CJK KR', 'Noto Sans KR', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif, 'Noto Color Emoji';
  --mono: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { font-family: var(--sans); color: var(--ink); background: #e9edf1; }
body { margin: 0; padding: 24px 12px; font-size: 13.5px; line-height: 1.55; }
.page { max-width: 860px; margin: 0 auto; background: #fff; border: 1px solid var(--line); padding: 28px 36px 20px; }
h1 { font-size: 21px; margin: 2px 0 6px; line-height: 1.35; }
h2 { font-size: 14px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 13px; margin: 14px 0 6px; }
.kicker { margin: 0; font-size: 11.5px; letter-spacing: .03em; color: var(--muted); }
.aside, .none, .code { color: var(--muted); font-weight: 400; }
.aside { font-size: 12px; }
.code { font-size: 12px; }
.mono, code, pre, .msg-id, .url { font-family: var(--mono); font-size: 12px; }
.status-line { margin: 0 0 14px; display: flex; align-items: center; gap: 10px; }
.status { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 12.5px; font-weight: 700; border: 1px solid; }
.status-completed { color: #1a7f37; border-color: #8fd1a0; background: #effaf2; }
.status-in_progress, .status-waiting { color: #0550ae; border-color: #9ec5f3; background: #eef5ff; }
.status-chatbot_ended { color: #6639ba; border-color: #c8b6ef; background: #f6f2ff; }
.status-deleted, .status-unknown { color: #a40e26; border-color: #f0a9b4; background: #fff0f2; }
.room-id { font-family: var(--mono); font-size: 12px; color: var(--muted); }
dl { margin: 0; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr) max-content minmax(0, 1fr); gap: 5px 14px; }
.facts dt, .mini dt { color: var(--muted); white-space: nowrap; }
.facts dd, .mini dd { margin: 0; overflow-wrap: anywhere; }
.facts dt.wide { grid-column: 1; }
.facts dd.wide { grid-column: 2 / -1; }
.mini { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 3px 12px; }
.param { margin-right: 12px; }
.panels { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin-top: 16px; }
.panel { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--soft); }
.provenance { margin-top: 12px; }
.panel h2 { border: 0; padding: 0; margin-bottom: 6px; font-size: 13px; }
.panel p { margin: 0; }
.score { font-size: 17px; font-weight: 700; }
.comment { white-space: pre-wrap; margin-top: 4px !important; }
.sha256 { overflow-wrap: anywhere; }
.conversation { margin-top: 22px; }
.messages { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 9px; }
.msg { max-width: 78%; break-inside: avoid; page-break-inside: avoid; }
.side-customer { align-self: flex-start; }
.side-staff { align-self: flex-end; }
.side-other { align-self: center; }
.side-memo { align-self: stretch; max-width: none; margin: 2px 0; }
.meta { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 8px; font-size: 11.5px; color: var(--muted); margin: 0 4px 2px; }
.side-staff .meta { justify-content: flex-end; }
.role { font-weight: 700; color: var(--ink); }
.from { font-family: var(--mono); font-size: 11.5px; }
.tz { font-size: 10.5px; }
.tag { font-size: 10.5px; border: 1px solid var(--line); border-radius: 4px; padding: 0 5px; background: #fff; }
.msg-id { font-size: 10.5px; }
.bubble { border: 1px solid var(--line); border-left-width: 4px; border-radius: 8px; padding: 7px 12px; background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.sender-customer .bubble, .sender-template_answer .bubble { background: #f6f8fa; border-color: #d0d7de; border-left-color: #8c959f; }
.sender-counselor .bubble { background: #eaf2fd; border-color: #bcd3f2; border-left-color: #2f6fce; }
.sender-bot .bubble { background: #ebf7ef; border-color: #bfe0c9; border-left-color: #2e9b57; }
.sender-template_question .bubble { background: #f4f0fd; border-color: #d6caf2; border-left-color: #7b53d4; }
.sender-parcel_counselor .bubble, .sender-product_counselor .bubble { background: #fdf3e6; border-color: #efd2a8; border-left-color: #c7761a; }
.sender-unknown .bubble { border-style: dashed; }
.msg.memo .bubble { background: #fff8d9; border: 1px dashed #c9a227; border-left: 4px solid #c9a227; }
.memo-flag { margin: 0 0 2px; font-size: 11.5px; font-weight: 700; color: #7a5600; }
.type-flag { margin: 0 0 2px; font-size: 11.5px; font-weight: 700; color: #a40e26; }
.text { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.text + .text { margin-top: 4px; }
.choices { margin: 4px 0 0; padding-left: 18px; }
.links { list-style: none; margin: 6px 0 0; padding: 6px 0 0; border-top: 1px solid rgba(0,0,0,.08); }
.links li { margin: 2px 0; overflow-wrap: anywhere; }
.link-name { font-weight: 700; }
.mobile { display: block; padding-left: 12px; }
.chips { list-style: none; margin: 6px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 6px; }
.tag-chip { display: inline-block; margin-right: 6px; padding: 0 8px; border: 1px solid var(--line); border-radius: 999px; background: var(--soft); font-size: 12px; }
.chip { border: 1px solid #8fd1a0; border-radius: 999px; padding: 1px 10px; background: #fff; font-size: 12.5px; }
.button-type { font-family: var(--mono); font-size: 10.5px; color: var(--muted); }
a.url { color: #0550ae; text-decoration: none; }
.not-link { color: #a40e26; }
figure.image { display: table; margin: 6px 0 0; }
figure.image img { display: block; max-width: 100%; max-height: 300px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.placeholder { width: 240px; height: 110px; display: flex; align-items: center; justify-content: center; text-align: center; padding: 8px; border: 1px dashed #8c959f; border-radius: 6px; color: var(--muted); font-size: 12px; background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 8px, #eef1f4 8px, #eef1f4 16px); }
figcaption.url { display: table-caption; caption-side: bottom; font-size: 10.5px; color: var(--muted); overflow-wrap: anywhere; margin-top: 2px; }
.raw-label { margin: 0 0 2px; font-size: 11.5px; font-weight: 700; color: #a40e26; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; }
.extra { margin: 4px 0 0; font-size: 11.5px; overflow-wrap: anywhere; }
.read { font-size: 11px; }
.appendix { margin-top: 22px; }
.warnings { width: 100%; border-collapse: collapse; font-size: 12px; table-layout: fixed; }
.warnings th, .warnings td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 4px 6px; overflow-wrap: anywhere; }
.warnings th { color: var(--muted); font-weight: 400; }
.warnings th:first-child { width: 26%; }
.warnings th:last-child { width: 38%; }
.doc-footer { margin-top: 20px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 11px; color: var(--muted); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html, body { background: #fff; }
  body { padding: 0; font-size: 10.5pt; }
  .page { max-width: none; border: 0; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .panel, .warnings tr { break-inside: avoid; page-break-inside: avoid; }
  a.url { color: inherit; }
}
`;
