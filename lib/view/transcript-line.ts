import { TranscriptSchema } from '../transcript/schema.js';
import { InvalidTranscriptLineError } from './errors.js';
import { renderTranscriptHtml, type TranscriptHtmlOptions } from './transcript-html.js';

/**
 * Renders one stored transcript line (the JSON of `transcripts/…/<room_id>.json`,
 * or a line of the CLI's output) with {@link renderTranscriptHtml}.
 *
 * @throws InvalidTranscriptLineError when the line is not JSON, or not a transcript v1.
 */
export function transcriptHtmlFromLine(line: string, options: TranscriptHtmlOptions = {}): string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    // The parser's message quotes the input, which holds personal data: it stays in `cause`.
    throw new InvalidTranscriptLineError(`transcript line is not valid JSON (${line.length} characters)`, {
      cause: error,
    });
  }
  const parsed = TranscriptSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown shape';
    throw new InvalidTranscriptLineError(`transcript line is not a transcript v1 (${where})`, {
      cause: parsed.error,
    });
  }
  return renderTranscriptHtml(parsed.data, options);
}
