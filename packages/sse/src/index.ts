export { type BusMessage, type ChannelBus, InProcessBus } from './bus.ts'
export { type BehindNotice, Channel, type ChannelOptions, type SubscribeOptions } from './channel.ts'
export {
  type EventMap,
  type EventStreamRequest,
  fetchEventStream,
  fetchJsonEventStream,
  type JsonEvent,
} from './client.ts'
export { EncodedEvent, encodeComment, encodeEvent, encodeRetry, type SseEvent } from './encoder.ts'
export {
  BadResponseError,
  ClientStalledError,
  InvalidArgumentError,
  InvalidFieldError,
  QueueFullError,
  SessionClosedError,
  SseError,
} from './errors.ts'
export { EVENT_STREAM_HEADERS, type EventStreamResponse } from './internal/response.ts'
export {
  EventStreamParser,
  type ParsedEvent,
  type ParserHandlers,
  parseEventStream,
  readEventStream,
} from './parser.ts'
export { type EventProducer, pipeEvents, streamEvents } from './producer.ts'
export {
  createSession,
  type QueuePolicy,
  type RequestLike,
  type SessionOptions,
  SseSession,
} from './session.ts'
