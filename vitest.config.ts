import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      // Tests never reach a real AWS account: s3rver's fixed credentials, and no profile or instance metadata.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'ap-northeast-2',
      AWS_EC2_METADATA_DISABLED: 'true',
      // Nor an image host: the sample rooms' images are on static.happytalk.io. test/integration/attachments
      // turns archiving attachments on against the simulator on loopback.
      ATTACHMENT_ARCHIVING: 'off',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // One module graph per worker for the infra files: aws-cdk-lib is loaded, the bundles are built
          // and each configuration is synthesized once, not once per file (test/infra/support.ts).
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'other',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/infra/**'],
        },
      },
    ],
  },
});
