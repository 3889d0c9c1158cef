// Control block shared by the bare-ring benchmark's threads (one SharedArrayBuffer of
// 128-byte slots; each word written by one thread sits in its own slot so the
// bookkeeping never shares a cache line with another thread's hot word).
//
//   byte 0        128       256 + 128*p
//        +---------+---------+-------------------------------+
//        | RUN     | RESULT  | PRODUCER p (one slot each)    |
//        +---------+---------+-------------------------------+
//   RUN       +0 start flag (main sets 1, notifies)   +4 stop flag (consumer sets 1 after the window)
//   RESULT    reserved (results travel by postMessage)
//   PRODUCERp +0 done flag (producer sets 1 after its final commit)
//             +4 records produced (i32: < 2^31 in any run this benchmark makes)
//             +8 xor of every u32 word it wrote (the consumer must arrive at the same value)

export const CONTROL_SLOT_INTS = 32
export const START = 0
export const STOP = 1
export const producerDone = (p: number): number => (2 + p) * CONTROL_SLOT_INTS
export const producerCount = (p: number): number => (2 + p) * CONTROL_SLOT_INTS + 1
export const producerXor = (p: number): number => (2 + p) * CONTROL_SLOT_INTS + 2
export const controlBytes = (producers: number): number => (2 + producers) * CONTROL_SLOT_INTS * 4
