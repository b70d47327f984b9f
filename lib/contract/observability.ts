/**
 * What the functions log and measure under, and what the alarms watch: the
 * Powertools defaults the stack gives every function, and the names of the
 * metrics the functions record.
 */

/** The Powertools settings of every function (`POWERTOOLS_*`). */
export const POWERTOOLS = {
  /** `POWERTOOLS_SERVICE_NAME`: the `service` dimension of every metric, and a key of every log line. */
  serviceName: 'happytalk-archive',
  /** `POWERTOOLS_METRICS_NAMESPACE`. */
  metricsNamespace: 'HappyTalkArchive',
  /** `POWERTOOLS_LOG_LEVEL`. */
  logLevel: 'INFO',
} as const;

/** The metrics the functions record (EMF), by what they count. */
export const METRIC = {
  /** `reconcile`: rooms found missing from the archive, or archived before completion. The gap alarm watches it. */
  gapsFound: 'GapsFound',
  gapsEnqueued: 'GapsEnqueued',
  roomsChecked: 'RoomsChecked',
  reconcileDaysRefused: 'ReconcileDaysRefused',
  /** `completion-watcher`: now less the watermark, after each pass. The lag alarm watches it. */
  watcherLag: 'WatcherLagSeconds',
  roomsSeen: 'RoomsSeen',
  roomsEnqueued: 'RoomsEnqueued',
  /** `archive-events`: a room's completion to its archive. */
  completionToArchive: 'CompletionToArchiveSeconds',
  upstreamLatency: 'UpstreamLatency',
  upstreamAttempts: 'UpstreamAttempts',
  messageCount: 'MessageCount',
  /**
   * `http-api`, `archive-events`: a transcript archived with its redacted copy
   * pending (the pseudonym key could not be read). The redaction alarm watches it.
   */
  redactionPending: 'RedactionPending',
} as const;
