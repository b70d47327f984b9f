import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

/**
 * `handle` with what Powertools does around each invocation, through its own
 * API, as its Middy middlewares `injectLambdaContext(logger, { resetKeys: true })`
 * and `logMetrics(metrics)` do it: the Lambda context in every log line (and
 * the sample rate drawn again), then, however the invocation ends, the stored
 * metrics published as EMF and the keys appended during it removed. Without
 * Middy, whose core imports Node.js's web streams at every cold start (about
 * 3 ms of CPU, docs/PERFORMANCE.md) for a response streaming these functions
 * never use.
 */
export function observed<E, R>(
  powertools: { readonly logger: Logger; readonly metrics?: Metrics },
  handle: (event: E, context: Context) => Promise<R>,
): (event: E, context: Context) => Promise<R> {
  const { logger, metrics } = powertools;
  return async (event, context) => {
    logger.refreshSampleRateCalculation();
    Logger.injectLambdaContextBefore(logger, event, context, { resetKeys: true });
    try {
      return await handle(event, context);
    } finally {
      metrics?.publishStoredMetrics();
      logger.clearBuffer();
      logger.resetKeys();
    }
  };
}
