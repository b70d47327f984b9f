import type { Code, Transcript } from '../transcript/schema.js';
import { conversation, SENDER_LABELS } from './conversation-html.js';
import { html, type SafeHtml } from './html.js';
import { TRANSCRIPT_VIEW_CSP } from './security-headers.js';
import { STYLE } from './transcript-style.js';
import {
  archivedAtText,
  codeText,
  durationText,
  fact,
  isolated,
  joined,
  jsonText,
  NONE,
  textOrNone,
  timeOf,
} from './view-values.js';

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
