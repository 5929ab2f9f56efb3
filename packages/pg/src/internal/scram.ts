// SCRAM-SHA-256 client (RFC 5802, RFC 7677), as PostgreSQL runs it inside SASL messages
// (https://www.postgresql.org/docs/current/sasl-authentication.html). No channel binding: the client
// sends the gs2 header `n,,`, so `c=biws`. PostgreSQL ignores the user name in the SCRAM messages.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { AuthenticationError } from '../errors.ts'

const pbkdf2Async = promisify(pbkdf2)

export const SCRAM_SHA_256 = 'SCRAM-SHA-256'

export interface ScramSession {
  clientNonce: string
  clientFirstBare: string
  /** Set once the server's first message was answered; checked against the server's final message. */
  serverSignature?: Buffer
}

export function startScram(): { session: ScramSession; clientFirst: string } {
  const clientNonce = randomBytes(18).toString('base64')
  const clientFirstBare = `n=*,r=${clientNonce}`
  return { session: { clientNonce, clientFirstBare }, clientFirst: `n,,${clientFirstBare}` }
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of message.split(',')) out.set(part[0]!, part.slice(2))
  return out
}

const hmac = (key: Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest()

/** Answers the server-first message (`r=...,s=...,i=...`) with the client-final message carrying the proof. */
export async function continueScram(session: ScramSession, serverFirst: string, password: string): Promise<string> {
  const attrs = attributes(serverFirst)
  const nonce = attrs.get('r')
  const salt = attrs.get('s')
  const iterations = Number(attrs.get('i'))
  if (nonce === undefined || !nonce.startsWith(session.clientNonce) || nonce === session.clientNonce) {
    throw new AuthenticationError('SCRAM: the server nonce does not extend the client nonce')
  }
  if (salt === undefined || !Number.isInteger(iterations) || iterations <= 0) {
    throw new AuthenticationError('SCRAM: the server-first message lacks a salt or iteration count')
  }
  // NFKC stands in for SASLprep (RFC 4013), whose mapping step it covers for ordinary passwords
  const salted = await pbkdf2Async(password.normalize('NFKC'), Buffer.from(salt, 'base64'), iterations, 32, 'sha256')
  const clientKey = hmac(salted, 'Client Key')
  const storedKey = createHash('sha256').update(clientKey).digest()
  const clientFinalWithoutProof = `c=biws,r=${nonce}`
  const authMessage = `${session.clientFirstBare},${serverFirst},${clientFinalWithoutProof}`
  const clientSignature = hmac(storedKey, authMessage)
  const proof = Buffer.alloc(clientKey.length)
  for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ clientSignature[i]!
  session.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage)
  return `${clientFinalWithoutProof},p=${proof.toString('base64')}`
}

/** Checks the server-final message (`v=...`): proves the server knew the password too. */
export function finishScram(session: ScramSession, serverFinal: string): void {
  const verifier = attributes(serverFinal).get('v')
  const expected = session.serverSignature
  if (verifier === undefined || expected === undefined) {
    throw new AuthenticationError('SCRAM: the server-final message carries no verifier')
  }
  const got = Buffer.from(verifier, 'base64')
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw new AuthenticationError('SCRAM: the server signature does not match')
  }
}

/** md5 auth: `'md5' + md5(md5(password + user) + salt)` in hex. */
export function md5Password(user: string, password: string, salt: Buffer): string {
  const inner = createHash('md5')
    .update(password + user)
    .digest('hex')
  return `md5${createHash('md5').update(inner).update(salt).digest('hex')}`
}
