// A one-entry cache of subarray views, for APIs that take a whole Uint8Array (a socket's
// send) when the caller has (bytes, offset, length): a frame built again and again in
// the same buffer at the same length (one message per frame at low rates; every frame of
// a fan-out) gets the same view back instead of a new one per send. One instance per call
// site: two sites taking turns would evict each other.

export class SubarrayCache {
  private bytes: Uint8Array | null = null
  private offset = 0
  private view: Uint8Array = new Uint8Array(0)

  /** bytes[offset, offset + length) as a view; valid as long as `bytes` is. */
  range(bytes: Uint8Array, offset: number, length: number): Uint8Array {
    const v = this.view
    if (bytes === this.bytes && offset === this.offset && length === v.length) return v
    this.bytes = bytes
    this.offset = offset
    return (this.view = bytes.subarray(offset, offset + length))
  }
}
