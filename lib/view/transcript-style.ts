/** The transcript page's style sheet: inline CSS, printable. */
import { html } from './html.js';

// Literal text only: a <style> element's content is not unescaped, so nothing may be interpolated here.
export const STYLE = html`
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
