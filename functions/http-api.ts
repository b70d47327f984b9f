/** The `http-api` function: {@link createHttpApiHandler} over the Lambda environment. */
import { createHttpApiHandler, httpApiRuntime } from './handlers/http-api.js';

export const handler = createHttpApiHandler(httpApiRuntime(process.env));
