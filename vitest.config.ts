import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      // Tests never reach a real AWS account: stop the SDK from reading the developer's profile.
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'ap-northeast-2',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  },
});
