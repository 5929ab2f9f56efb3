// A response that takes the connection over instead of being written as a whole: an event stream, or an
// accepted WebSocket handshake. `send` hands it the exchange once the route has answered.
import type { Exchange } from '../exchange.ts'
import { Response } from '../response.ts'

export class TakeOverResponse extends Response {
  readonly take: (ex: Exchange) => void
  constructor(take: (ex: Exchange) => void, status = 200) {
    super(null, { status })
    this.take = take
  }
}
