/** The `archive-events` function: {@link createArchiveEventsHandler} over the Lambda environment. */
import { archiveEventsRuntime, createArchiveEventsHandler } from './handlers/archive-events.js';

export const handler = createArchiveEventsHandler(archiveEventsRuntime(process.env));
