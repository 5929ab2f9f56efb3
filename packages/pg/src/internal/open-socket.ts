// Opens the transport: TCP or a Unix socket, then the SSLRequest negotiation
// (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL).
import net from 'node:net'
import tls from 'node:tls'
import { CONNECTION_FAILED, ConnectionError, TLS_REFUSED } from '../errors.ts'
import type { ResolvedConnectionOptions } from '../options.ts'

// SSLRequest: length 8, then the magic code 80877103 (1234 << 16 | 5679)
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])

export async function openSocket(options: ResolvedConnectionOptions): Promise<net.Socket> {
  const { host, port, connectTimeout } = options
  const socket = host.startsWith('/')
    ? net.connect({ path: `${host}/.s.PGSQL.${port}` })
    : net.connect({ host, port, noDelay: true })
  const where = host.startsWith('/') ? `${host}/.s.PGSQL.${port}` : `${host}:${port}`
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new ConnectionError(CONNECTION_FAILED, `timed out connecting to ${where} after ${connectTimeout} ms`))
    }, connectTimeout)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve()
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(
        new ConnectionError(CONNECTION_FAILED, `could not connect to ${where}: ${error.message}`, { cause: error }),
      )
    })
  })
  if (options.sslmode === 'disable' || host.startsWith('/')) return socket
  return negotiateTls(socket, options)
}

async function negotiateTls(socket: net.Socket, options: ResolvedConnectionOptions): Promise<net.Socket> {
  const answer = await new Promise<number>((resolve, reject) => {
    socket.once('data', (data) => {
      socket.removeAllListeners('error')
      resolve(data[0]!)
    })
    socket.once('error', (error) =>
      reject(new ConnectionError(CONNECTION_FAILED, `SSL negotiation failed: ${error.message}`, { cause: error })),
    )
    socket.write(SSL_REQUEST)
  })
  if (answer !== 0x53 /* S */) {
    if (options.sslmode === 'prefer') return socket
    socket.destroy()
    throw new ConnectionError(TLS_REFUSED, `the server does not accept SSL connections (sslmode=${options.sslmode})`)
  }
  const verify = options.sslmode === 'verify-ca' || options.sslmode === 'verify-full'
  const secure = tls.connect({
    socket,
    servername: net.isIP(options.host) === 0 ? options.host : undefined,
    rejectUnauthorized: verify,
    // verify-ca checks the chain but not the host name
    ...(options.sslmode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
    ...options.tls,
  })
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', () => {
      secure.removeAllListeners('error')
      resolve()
    })
    secure.once('error', (error) => {
      socket.destroy()
      reject(new ConnectionError(CONNECTION_FAILED, `TLS handshake failed: ${error.message}`, { cause: error }))
    })
  })
  return secure
}
