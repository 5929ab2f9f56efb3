// How channels of the same name in several processes (or machines) share their events. A channel
// publishes to the bus and delivers what the bus hands back, its own events included, so every
// process sees one order. The PostgreSQL LISTEN/NOTIFY bus implements the same interface.

/** An event as it travels between processes: text only, already encoded data (JSON as its text). */
export interface BusMessage {
  readonly id: string
  readonly event?: string
  readonly data?: string
}

/** The transport between channels of the same name. */
export interface ChannelBus {
  /**
   * Sends a message to every subscriber of `channel`, in every process, this one included. A bus that
   * numbers events itself (a database sequence) returns the id it delivers them under; the channel's
   * `publish` then resolves with that id instead of `message.id`.
   */
  publish(channel: string, message: BusMessage): void | string | PromiseLike<void | string>
  /** Calls `deliver` for each message published on `channel`, in publication order; returns the unsubscribe. */
  subscribe(channel: string, deliver: (message: BusMessage) => void): () => void
}

/**
 * The bus for one process: publication delivers synchronously to every subscriber of the name.
 * @example
 * const bus = new InProcessBus()
 * const a = new Channel('news', { bus })
 * const b = new Channel('news', { bus }) // sees everything published on a, and the reverse
 */
export class InProcessBus implements ChannelBus {
  readonly #subscribers = new Map<string, Set<(message: BusMessage) => void>>()

  publish(channel: string, message: BusMessage): void {
    const subscribers = this.#subscribers.get(channel)
    if (subscribers === undefined) return
    for (const deliver of subscribers) deliver(message)
  }

  subscribe(channel: string, deliver: (message: BusMessage) => void): () => void {
    let subscribers = this.#subscribers.get(channel)
    if (subscribers === undefined) this.#subscribers.set(channel, (subscribers = new Set()))
    // wrap, so the same function subscribed twice is two subscriptions
    const entry = (message: BusMessage) => deliver(message)
    subscribers.add(entry)
    return () => {
      subscribers.delete(entry)
      if (subscribers.size === 0 && this.#subscribers.get(channel) === subscribers) this.#subscribers.delete(channel)
    }
  }
}
