// Public surface of the relay (package export `ordo/relay`): a gateway whose
// engine is another gateway. Start one with startRelay() or `ordo relay`.

export { RelayEngine } from './relay-engine.js'
export { relayOptions, DEFAULT_RELAY_OPTIONS, RelayError, type RelayOptions, type RelayErrorCode } from './relay-options.js'
export { startRelay, type RelayServer, type StartRelayOptions } from './start-relay.js'
