/** The `retrieval-api` function: {@link createRetrievalApiHandler} over the Lambda environment. */
import { createRetrievalApiHandler, retrievalRuntime } from './handlers/retrieval-api.js';

export const handler = createRetrievalApiHandler(retrievalRuntime(process.env));
