// The messages every worker stage posts to the main thread (stage-launcher.ts receives
// them), typed so neither side builds or reads an untyped record. Each stage's own
// module (sequencer/sequencer-messages.ts, journal/journal-sync-messages.ts) says what its
// 'ready' and 'stopped' carry and what its workerData holds.
//
//   worker ──'ready'──▶ main      once, when it takes traffic (start-up results)
//   worker ──'warning'─▶ main     something the operator should see; the stage goes on
//   worker ──'failed'──▶ main     the stage stopped for good (then the thread exits)
//   worker ──'stopped'─▶ main     after a requested stop, once drained
//   worker ──report────▶ main     a stage's own news for the main thread (the sequencer's
//                                 'retention': segments deleted; its journal faults), typed in its module

/** The stage stopped for good; `code` is stable (a JournalError code or a stage's own). */
export interface StageFailed {
  type: 'failed'
  code: string
  message: string
  /** key=value facts of the error (e.g. dir and pid of a lock holder). */
  details?: Record<string, string | number | boolean>
}

export interface StageWarning {
  type: 'warning'
  message: string
}

/** What a stage posts, given what its 'ready' and 'stopped' messages carry and its own reports. */
export type StageMessage<Ready extends { type: 'ready' }, Stopped extends { type: 'stopped' }, Report extends { type: string } = never> =
  Ready | Stopped | StageFailed | StageWarning | Report
