import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { createSecretsManagerClient } from '../../lib/aws.js';
import { readRedactionConfig } from '../../lib/config.js';
import { InvalidTranscriptError } from '../../lib/redaction/errors.js';
import { loadPseudonymizer, readRedactionKeySource } from '../../lib/redaction/key.js';
import {
  COUNSELOR_OPTIONS,
  type CounselorOption,
  explainTranscript,
  MASK_STYLES,
  type MaskStyle,
  redactTranscript,
} from '../../lib/redaction/redact.js';
import { type Transcript, TranscriptSchema } from '../../lib/transcript/schema.js';
import type { CommandContext } from '../context.js';

interface RedactFlags {
  explain?: boolean;
  mask?: MaskStyle;
  names?: boolean;
  counselors?: CounselorOption;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `redact [FILE|-]`: an archived transcript (one JSON line, as `get` prints
 * it) in, its redacted copy out; `--explain` prints one JSON line per finding
 * instead (values masked). The work is in `lib/redaction/`.
 */
export function registerRedactCommand(program: Command, context: CommandContext): void {
  program
    .command('redact')
    .description(
      'Print the redacted copy of an archived transcript (FILE, or stdin): personal data replaced by [TYPE] ' +
        'or [PII], the customer ids by keyed pseudonyms, with a redaction block. --explain prints one JSON line ' +
        'per finding instead (type, path, offsets, confidence, the value masked).',
    )
    .argument('[file]', 'a transcript as `get` prints it; stdin when omitted or "-"')
    .option('--explain', 'print the findings, one JSON line each, instead of the redacted transcript')
    .addOption(
      new Option(
        '--mask <style>',
        'type: [PHONE], [RRN], …; pii: [PII] (default REDACTION_MASK, else type)',
      ).choices(MASK_STYLES),
    )
    .option(
      '--names',
      'also redact names before honorifics (김민수 고객님), a best effort with false positives',
    )
    .addOption(
      new Option(
        '--counselors <mode>',
        'counselor names and ids (default REDACTION_COUNSELORS, else keep)',
      ).choices(COUNSELOR_OPTIONS),
    )
    .action(async (file: string | undefined, flags: RedactFlags) => {
      // The archive's own settings, so that what is printed is the copy the archive writes.
      const configured = readRedactionConfig(context.env, { allowLocalKey: true });
      const options = {
        mask: flags.mask ?? configured.mask,
        counselors: flags.counselors ?? configured.counselors,
        detect: { names: flags.names ?? false },
      };
      // The key first: without one, nothing is read.
      const pseudonymizer = flags.explain
        ? undefined
        : await loadPseudonymizer(readRedactionKeySource(context.env), () =>
            createSecretsManagerClient(context.env),
          );
      const bytes = file === undefined || file === '-' ? await context.readStdin() : await readFile(file);
      const transcript = parseTranscript(bytes);
      if (pseudonymizer === undefined) {
        context.stdout(
          explainTranscript(transcript, options)
            .map((finding) => `${JSON.stringify(finding)}\n`)
            .join(''),
        );
      } else {
        context.stdout(`${JSON.stringify(redactTranscript(transcript, pseudonymizer, options))}\n`);
      }
    });
}

/**
 * A transcript v1 from bytes: UTF-8 JSON the schema accepts. Errors name the
 * first problem's path, never a value.
 */
export function parseTranscript(bytes: Uint8Array): Transcript {
  let json: unknown;
  try {
    json = JSON.parse(STRICT_UTF8.decode(bytes));
  } catch {
    throw new InvalidTranscriptError(`the input is not UTF-8 JSON (${bytes.byteLength} bytes)`);
  }
  const parsed = TranscriptSchema.safeParse(json);
  if (!parsed.success) {
    // zod's default messages name the expected type or format, never the value received.
    const issue = parsed.error.issues[0];
    const where =
      issue && issue.path.length > 0
        ? issue.path
            .map((key, index) =>
              typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`,
            )
            .join('')
        : 'the top level';
    throw new InvalidTranscriptError(
      `the input is not a transcript v1: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return json as Transcript;
}
