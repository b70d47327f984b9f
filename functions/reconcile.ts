/** The `reconcile` function: {@link createReconcileHandler} over the Lambda environment. */
import { createReconcileHandler, reconcileRuntime } from './handlers/reconcile.js';

export const handler = createReconcileHandler(reconcileRuntime(process.env));
