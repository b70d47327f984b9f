/** How the transcript page shows a value: isolated, escaped, a time, a code, a duration, a fact. */
import type { Code } from '../transcript/schema.js';
import { html, type SafeHtml } from './html.js';

export const NONE = html`<span class="none">—</span>`;

/** A value of the transcript, isolated: its bidirectional controls cannot reach the text around it. */
export function isolated(value: string): SafeHtml {
  return html`<bdi>${value}</bdi>`;
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface TimeParts {
  date: string;
  clock: string;
  zone: string;
}

export function timeParts(value: string): TimeParts | null {
  const match = ISO_TIME.exec(value);
  if (match === null) {
    return null;
  }
  const [, date = '', clock = '', zone = ''] = match;
  return { date, clock, zone: zone === 'Z' ? 'UTC' : zone };
}

/** `2024-03-11 14:02:13 +09:00`, as the transcript has it; an unparseable value verbatim. */
export function timeOf(value: string | null | undefined): SafeHtml {
  if (value === null || value === undefined) {
    return NONE;
  }
  const parts = timeParts(value);
  if (parts === null) {
    return html`<span class="time">${isolated(value)}</span>`;
  }
  return html`<time datetime="${value}">${parts.date} ${parts.clock} <span class="tz">${parts.zone}</span></time>`;
}

export function archivedAtText(archivedAt: Date | string | undefined): SafeHtml {
  if (archivedAt === undefined) {
    return NONE;
  }
  if (typeof archivedAt === 'string') {
    return timeOf(archivedAt);
  }
  return Number.isNaN(archivedAt.getTime()) ? NONE : timeOf(archivedAt.toISOString());
}

export function durationText(seconds: number | null): SafeHtml {
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
export function codeText(code: Code | null): SafeHtml {
  if (code === null) {
    return NONE;
  }
  const label = code.label === null ? html`<span class="unknown">알 수 없음</span>` : code.label;
  return html`${label} <span class="code">(${isolated(code.code)})</span>`;
}

export function textOrNone(value: string | null | undefined): SafeHtml {
  return value === null || value === undefined ? NONE : isolated(value);
}

/** The parts present, each isolated (a string is a value of the transcript), between separators. */
export function joined(parts: readonly (SafeHtml | string | null)[], separator: string): SafeHtml | null {
  const present = parts.filter((part): part is SafeHtml | string => part !== null && part !== '');
  if (present.length === 0) {
    return null;
  }
  return html`${present.map(
    (part, index) => html`${index === 0 ? '' : separator}${typeof part === 'string' ? isolated(part) : part}`,
  )}`;
}

export function fact(label: string, value: SafeHtml | string, wide = false): SafeHtml {
  const wideClass = wide ? html` class="wide"` : '';
  return html`<dt${wideClass}>${label}</dt><dd${wideClass}>${value}</dd>`;
}

export function jsonText(value: unknown, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length}자 중 ${max}자)` : text;
}
