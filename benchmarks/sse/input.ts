// The fixtures: one ~200-byte JSON event (the measurement), and a 3-line text event for the
// encoders that split data lines.

export const PAYLOAD = {
  id: 48213,
  type: 'order.updated',
  status: 'shipped',
  customer: { id: 'cus_8f2k1', name: 'Ada Lovelace' },
  items: [
    { sku: 'BK-1843', qty: 1, price: 12.5 },
    { sku: 'PN-0001', qty: 3, price: 2.25 },
  ],
  updatedAt: '2026-11-23T08:24:00.000Z',
} as const

export interface Fixture {
  readonly event: string
  readonly id: string
  readonly json: unknown
}

export const JSON_EVENT: Fixture = { event: 'order', id: '48213', json: PAYLOAD }

export const TEXT_EVENT = { event: 'log', id: '7', data: 'first line\nsecond line\nthird line' } as const

/** Sizes of the broadcast runs: clients connected at once. */
export const BROADCAST_SIZES = [1_000, 10_000] as const
/** Broadcasts timed per size; the table reports the median. */
export const ROUNDS = 4
