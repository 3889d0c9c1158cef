// Identities: who owns a publisher id or an HTTP idempotency key.
//
// A verified token's identity is its subject (`sub` claim): every token minted
// for the same subject is the same identity, so a client that gets a fresh
// token (a shorter-lived one, after expiry) keeps its publisher ids. A token
// without a subject is an identity of its own: nothing it binds can be used
// with any other token. In open mode (no secret) nobody is authenticated, so
// every client is one identity: publisher ids are not protected from other
// clients there, like everything else in open mode.
//
// Identities are kept as digests (SHA-256, base64url): fixed size on disk and in
// memory, and no subject names in the gateway's state files.

import { createHash } from 'node:crypto'

/** Digest of a kind-prefixed identity name (kinds keep subjects and token signatures apart). */
function digest(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('base64url')
}

/** The identity of every client in open mode (no secret). */
export const OPEN_IDENTITY = digest('open:')

/** The gateway's own publishers (POST /publish without an identity of its own): no token has it. */
export const GATEWAY_IDENTITY = digest('gateway:')

/** Identity of a verified token: its subject, or (no subject) the token itself, named by its signature. */
export function tokenIdentity(subject: string | undefined, signature: string): string {
  return subject !== undefined ? digest(`sub:${subject}`) : digest(`token:${signature}`)
}

/** 32 raw bytes of an identity digest (for fixed-size records). */
export function identityBytes(identity: string): Buffer {
  return Buffer.from(identity, 'base64url')
}

/** The identity digest held in 32 raw bytes. */
export function identityFromBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, 32).toString('base64url')
}
