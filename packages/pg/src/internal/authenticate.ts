// The Authentication ('R') exchange during startup
// (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP):
// cleartext, md5 and SCRAM-SHA-256. The server waits for each answer, so the async SCRAM step is safe.
import { serialize } from 'pg-protocol'
import type { Connection } from '../connection.ts'
import { AuthenticationError } from '../errors.ts'
import { continueScram, finishScram, md5Password, SCRAM_SHA_256, type ScramSession, startScram } from './scram.ts'

const sessions = new WeakMap<Connection, ScramSession>()

export function authenticate(c: Connection, message: any): void {
  const startup = c.startup
  if (startup === undefined) return
  const password = startup.password
  const needPassword = (): string => {
    if (password === undefined) {
      throw new AuthenticationError(`the server asks for a password for user "${c.options.user}" and none was given`)
    }
    return password
  }
  try {
    switch (message.name) {
      case 'authenticationOk':
        sessions.delete(c)
        return
      case 'authenticationCleartextPassword':
        c.socket.write(serialize.password(needPassword()))
        return
      case 'authenticationMD5Password':
        c.socket.write(serialize.password(md5Password(c.options.user, needPassword(), message.salt)))
        return
      case 'authenticationSASL': {
        if (!message.mechanisms.includes(SCRAM_SHA_256)) {
          throw new AuthenticationError(`no supported SASL mechanism offered: ${message.mechanisms.join(', ')}`)
        }
        needPassword()
        const { session, clientFirst } = startScram()
        sessions.set(c, session)
        c.socket.write(serialize.sendSASLInitialResponseMessage(SCRAM_SHA_256, clientFirst))
        return
      }
      case 'authenticationSASLContinue': {
        const session = sessions.get(c)
        if (session === undefined) throw new AuthenticationError('SCRAM: unexpected server-first message')
        continueScram(session, message.data, needPassword()).then(
          (clientFinal) => c.socket.write(serialize.sendSCRAMClientFinalMessage(clientFinal)),
          (error) => c.destroy(error),
        )
        return
      }
      case 'authenticationSASLFinal': {
        const session = sessions.get(c)
        if (session === undefined) throw new AuthenticationError('SCRAM: unexpected server-final message')
        finishScram(session, message.data)
        return
      }
      default:
        throw new AuthenticationError(`unsupported authentication request '${message.name}'`)
    }
  } catch (error) {
    c.destroy(error as Error)
  }
}
