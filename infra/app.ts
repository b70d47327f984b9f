/**
 * The CDK app (`cdk.json` runs it with tsx, after `npm run build`): see
 * {@link createArchiveApp}.
 */
import { createArchiveApp } from './archive-app.js';

createArchiveApp().synth();
