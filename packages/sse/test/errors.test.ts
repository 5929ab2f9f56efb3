import { describe, expect, it } from 'vitest'
import {
  BadResponseError,
  ClientStalledError,
  InvalidArgumentError,
  InvalidFieldError,
  QueueFullError,
  SessionClosedError,
  SseError,
} from '../src/index.ts'

describe('errors', () => {
  it.each([
    [new InvalidFieldError('id', 'x'), 'SSE_INVALID_FIELD'],
    [new InvalidArgumentError('x'), 'SSE_INVALID_ARGUMENT'],
    [new SessionClosedError(), 'SSE_SESSION_CLOSED'],
    [new QueueFullError(10), 'SSE_QUEUE_FULL'],
    [new BadResponseError(500, 'text/html'), 'SSE_BAD_RESPONSE'],
    [new ClientStalledError(15_000), 'SSE_CLIENT_STALLED'],
  ])('%s carries the stable code %s and its own name', (error, code) => {
    expect(error).toBeInstanceOf(SseError)
    expect(error.code).toBe(code)
    expect(error.name).toBe(error.constructor.name)
  })
})
