// The engine answers with the wire protocol's error numbers (one table, in
// gateway/protocol-errors.ts, shared with clients in every language).
export { ErrorCode } from '../gateway/protocol-errors.js'
