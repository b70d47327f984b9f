/**
 * The CDK app (`cdk.json` runs it with tsx, after `npm run build`): one stack,
 * `HappyTalkArchive` (or the `stackName` context key), configured through CDK
 * context keys (docs/architecture.md), with the cdk-nag AwsSolutions and
 * Serverless packs run at every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { HappyTalkArchiveStack, stackEnvironment } from './archive-stack.js';

const app = new App();
new HappyTalkArchiveStack(app, String(app.node.tryGetContext('stackName') ?? 'HappyTalkArchive'), {
  env: stackEnvironment(app.node, process.env),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
