/** The `completion-watcher` function: {@link createCompletionWatcherHandler} over the Lambda environment. */
import { completionWatcherRuntime, createCompletionWatcherHandler } from './handlers/completion-watcher.js';

export const handler = createCompletionWatcherHandler(completionWatcherRuntime(process.env));
