// Numeric results of the ring's hot-path calls. Negative, so a caller tells them from a
// byte index or a count with one comparison; BACK_PRESSURED and CLOSED share their values
// with engine/engine-port.ts.

/** The record can never fit: its payload is larger than the ring's maxPayloadLength. */
export const TOO_LARGE = -1
/** No space now (producer) — retry after consumers release, or wait. */
export const BACK_PRESSURED = -2
/** The ring was closed, or this consumer was detached. */
export const CLOSED = -3
/** peek(): no record available now. */
export const EMPTY = -4

export const RingResult = { TOO_LARGE, BACK_PRESSURED, CLOSED, EMPTY } as const
export type RingResult = (typeof RingResult)[keyof typeof RingResult]
