// Public surface of ordo's engine (the embedding API). Internals for tests and tools
// are imported from their modules directly.
export { Engine } from './engine.js'
export type { PublisherPort } from './publisher-port.js'
export { RingPublisher } from './ring-publisher.js'
export { Durability } from './types.js'
export type {
  EngineOptions, PublishOptions, PublishResult, SubscribeOptions, DeliverBatch, DeliverHandler, Subscription,
} from './types.js'
export type { EnginePort, AckListener, FrameSink, RawSubscription, EngineMetrics, GroupFilter, SubscribeFramesOptions } from './engine-port.js'
export { BACK_PRESSURED, CLOSED, BAD_PUBLISHER, TOO_LARGE, NOT_MESSAGE_FRAME, UNAVAILABLE, OfferResult } from '../codec/results.js'
export {
  EngineError, EngineErrorCode, EngineOptionError, EngineArgumentError, EngineClosedError, EngineLockedError, EngineUnavailableError,
  PublishRefusedError, StageFailedError, SubscriptionError,
} from './errors.js'
export { OrdoBaseError } from '../codec/ordo-error.js'
export { EngineState } from './engine-state.js'
export type { EngineStatus, EngineFault, EngineEvent, EngineEventName, EngineListener } from './engine-state.js'
export { DEFAULTS as ENGINE_DEFAULTS } from './options.js'
export type { Logger } from './logger.js'
export { SILENT_LOGGER } from './logger.js'
export type { MetricFamily, Sample, HistogramSeries, Labels } from './metric-family.js'
export { engineMetricFamilies } from './metric-families.js'
export { registerEngineMetrics, registerMetricFamilies, type PromRegistryLike } from './prom-client-collector.js'
export type { GroupInfo, JournalFigures, ClusterStatus } from './engine-port.js'
