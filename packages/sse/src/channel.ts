// Broadcast to many sessions. Each event is encoded once (`EncodedEvent`) and the same bytes are
// written to every subscriber; the last `history` events stay in a ring so a client that reconnects
// with Last-Event-ID (WHATWG HTML §9.2.4) gets what it missed, or is told it is too far behind.
import { Future, isThenable } from '@fasterapi/futures'
import type { BusMessage, ChannelBus } from './bus.ts'
import { EncodedEvent, type SseEvent } from './encoder.ts'
import { InvalidArgumentError } from './errors.ts'
import type { SseSession } from './session.ts'

export interface ChannelOptions {
  /** Events kept for Last-Event-ID replay. @default 100 */
  history?: number
  /** Share the channel between processes; without one, publishing delivers directly. */
  bus?: ChannelBus
  /**
   * Ids for events published without one. With a bus, make them unique across processes.
   * @default a counter: '1', '2', …
   */
  nextId?: () => string
  /** Event type sent to a client whose Last-Event-ID is no longer (or never was) in the history. @default 'too-far-behind' */
  behindEvent?: string
}

export interface SubscribeOptions {
  /** Deliver only the events this returns true for (replayed ones included). */
  filter?: (event: EncodedEvent) => boolean
  /** Where the client left off. @default session.lastEventId */
  lastEventId?: string
}

/** The data of the too-far-behind event (JSON): the id the client asked for, and the id it is now at. */
export interface BehindNotice {
  readonly lastEventId: string
  readonly resumedAt: string | null
}

export class Channel {
  readonly name: string
  // session → its filter (undefined: everything); one entry and no closure per subscriber
  readonly #subscriptions = new Map<SseSession, ((event: EncodedEvent) => boolean) | undefined>()
  readonly #history: HistoryRing
  readonly #bus: ChannelBus | undefined
  readonly #unsubscribeBus: (() => void) | undefined
  readonly #nextId: () => string
  readonly #behindEvent: string
  #seq = 0

  constructor(name: string, options: ChannelOptions = {}) {
    const { history = 100, bus, behindEvent = 'too-far-behind' } = options
    if (!Number.isInteger(history) || history < 0) throw new InvalidArgumentError(`history must be an integer >= 0`)
    this.name = name
    this.#history = new HistoryRing(history)
    this.#bus = bus
    this.#nextId = options.nextId ?? (() => String(++this.#seq))
    this.#behindEvent = behindEvent
    this.#unsubscribeBus = bus?.subscribe(name, this.#deliver)
  }

  /** Sessions subscribed now. */
  get size(): number {
    return this.#subscriptions.size
  }

  /**
   * Adds a session: first replays what it missed since `lastEventId` (or sends the too-far-behind
   * event), then delivers every new event until the session closes or is unsubscribed. Subscribing
   * a subscribed session again replaces its filter and replays nothing.
   */
  subscribe(session: SseSession, options: SubscribeOptions = {}): void {
    if (session.isClosed) return
    const { filter } = options
    if (this.#subscriptions.has(session)) {
      this.#subscriptions.set(session, filter)
      return
    }
    const lastEventId = options.lastEventId ?? session.lastEventId
    if (lastEventId !== '') this.#replay(session, filter, lastEventId)
    this.#subscriptions.set(session, filter)
    session._onClose(this.#drop)
  }

  /** Stops delivering to `session` (it stays open). */
  unsubscribe(session: SseSession): void {
    this.#subscriptions.delete(session)
  }

  readonly #drop = (session: SseSession): void => {
    this.#subscriptions.delete(session)
  }

  /**
   * Publishes one event to every subscriber (through the bus when there is one) and returns its id (the
   * bus's own when it numbers events, as the PostgreSQL bus does); the Future settles when the bus accepted
   * it (at once without a bus).
   * @example
   * channel.publish({ event: 'price', json: { symbol: 'ACME', price: 12.5 } })
   */
  publish(event: SseEvent): Future<string> {
    const id = event.id ?? this.#nextId()
    const encoded = new EncodedEvent(event.id === undefined ? { ...event, id } : event)
    const bus = this.#bus
    if (bus === undefined) {
      this.#deliverEncoded(encoded)
      return Future.ready(id)
    }
    const sent = bus.publish(this.name, { id, event: encoded.event, data: encoded.data })
    // a bus that numbers the events itself answers with the id they are delivered under
    if (isThenable(sent)) return Future.from(sent).then((assigned) => (typeof assigned === 'string' ? assigned : id))
    return Future.ready(typeof sent === 'string' ? sent : id)
  }

  /** Stops listening to the bus and forgets every subscriber; sessions stay open. */
  close(): void {
    this.#unsubscribeBus?.()
    this.#subscriptions.clear()
  }

  #replay(session: SseSession, filter: ((event: EncodedEvent) => boolean) | undefined, lastEventId: string): void {
    const missed = this.#history.after(lastEventId)
    if (missed === undefined) {
      const resumedAt = this.#history.latestId ?? null
      const notice: BehindNotice = { lastEventId, resumedAt }
      // the id moves the client to now, so its next reconnect resumes from here rather than failing again
      session.send({ event: this.#behindEvent, json: notice, ...(resumedAt === null ? {} : { id: resumedAt }) })
      return
    }
    for (const event of missed) if (filter === undefined || filter(event)) session.sendEncoded(event)
  }

  readonly #deliver = (message: BusMessage): void => {
    const event: SseEvent = { id: message.id }
    if (message.event !== undefined) event.event = message.event
    if (message.data !== undefined) event.data = message.data
    this.#deliverEncoded(new EncodedEvent(event))
  }

  #deliverEncoded(event: EncodedEvent): void {
    this.#history.push(event)
    // forEach, not for-of over entries: no [key, value] array per subscriber on the broadcast path
    this.#subscriptions.forEach((filter, session) => {
      if (filter === undefined || filter(event)) session.sendEncoded(event)
    })
  }
}

// A channel's recent events for Last-Event-ID replay: a fixed ring of the last `capacity` events and
// a map from id to sequence number, so finding where a reconnecting client left off is O(1).
class HistoryRing {
  readonly #slots: (EncodedEvent | undefined)[]
  readonly #seqOf = new Map<string, number>() // id → sequence number, only for events still in the ring
  #next = 0 // sequence number of the next event; event n lives in slot n % capacity

  constructor(capacity: number) {
    this.#slots = new Array(capacity).fill(undefined)
  }

  push(event: EncodedEvent): void {
    const capacity = this.#slots.length
    if (capacity === 0) return
    const slot = this.#next % capacity
    const evicted = this.#slots[slot]
    // an id seen twice maps to its latest sequence number; only drop the mapping that points here
    if (evicted?.id !== undefined && this.#seqOf.get(evicted.id) === this.#next - capacity)
      this.#seqOf.delete(evicted.id)
    this.#slots[slot] = event
    if (event.id !== undefined) this.#seqOf.set(event.id, this.#next)
    this.#next++
  }

  /** The events after the one with `id`, oldest first; undefined when `id` is not in the ring. */
  after(id: string): EncodedEvent[] | undefined {
    const seq = this.#seqOf.get(id)
    if (seq === undefined) return undefined
    const out: EncodedEvent[] = []
    const capacity = this.#slots.length
    for (let n = seq + 1; n < this.#next; n++) out.push(this.#slots[n % capacity]!)
    return out
  }

  /** The id of the newest event that has one. */
  get latestId(): string | undefined {
    const capacity = this.#slots.length
    for (let n = this.#next - 1; n >= 0 && n >= this.#next - capacity; n--) {
      const id = this.#slots[n % capacity]!.id
      if (id !== undefined) return id
    }
    return undefined
  }
}
