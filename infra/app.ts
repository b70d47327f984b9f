/**
 * The CDK app (`cdk.json` runs it with tsx): one stack, `HappyTalkArchive`,
 * configured through CDK context keys (docs/architecture.md). Build the function
 * bundles first (`npm run build`): the stack deploys exactly those.
 */
import { App } from 'aws-cdk-lib';
import { HappyTalkArchiveStack } from './archive-stack.js';

const app = new App();
new HappyTalkArchiveStack(app, 'HappyTalkArchive', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
