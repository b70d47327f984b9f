/**
 * Writes docs/transcript-view.png, the README's picture of the transcript view: the `completed` sample
 * room (with one customer image, embedded from its archived bytes) rendered by renderTranscriptHtml and
 * photographed in Debian's headless Chromium (run `bash scripts/ensure-chromium.sh` first).
 *
 *   npx tsx scripts/screenshot-view.ts [OUT.png]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderTranscriptHtml } from '../lib/view/transcript-html.js';
import { launchChromium } from '../test/integration/view/chromium.js';
import { completedWithImage } from '../test/unit/view/transcripts.js';

const out = resolve(process.argv[2] ?? 'docs/transcript-view.png');
const { transcript, attachments } = completedWithImage();
const page = renderTranscriptHtml(transcript, {
  attachments,
  archivedAt: new Date('2024-03-11T05:20:04.087Z'),
});

const browser = await launchChromium();
try {
  const tab = await browser.newPage({ viewport: { width: 920, height: 1000 }, deviceScaleFactor: 1 });
  await tab.setContent(page, { waitUntil: 'load' });
  const png = await tab.screenshot({ fullPage: true, type: 'png' });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, png);
  console.log(`${out}: ${png.byteLength} bytes`);
} finally {
  await browser.close();
}
