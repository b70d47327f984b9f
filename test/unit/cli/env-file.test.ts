import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../../cli/program.js';

describe('parseEnvFile', () => {
  it('reads an env file as Node.js does: comments, export, quotes, and no inline comment in a value', () => {
    // Prepare
    const text = [
      '# written by npm start',
      'ARCHIVE_BUCKET=happytalk-archive-local # the local bucket',
      'export AWS_REGION=ap-northeast-2',
      'HAPPYTALK_TOKEN="token # with a hash"',
      "QUOTED='single'",
      '',
      'EMPTY=',
    ].join('\n');

    // Act
    const env = parseEnvFile(text);

    // Assess
    expect(env).toEqual({
      ARCHIVE_BUCKET: 'happytalk-archive-local',
      AWS_REGION: 'ap-northeast-2',
      HAPPYTALK_TOKEN: 'token # with a hash',
      QUOTED: 'single',
      EMPTY: '',
    });
  });
});
