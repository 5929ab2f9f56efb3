export { FutureError, FutureNotReadyError, InvalidArgumentError, TimeoutError } from './errors.ts'
export { Future, type FutureState, type FutureWithResolvers, isThenable, Resolver } from './future.ts'
export { filterAsync, type MapOptions, type Mapper, mapAsync, reduceAsync } from './map.ts'
export { Pipeline, type StageOptions } from './pipeline.ts'
export { type LoopSample, LoopStats } from './reactor/loop-stats.ts'
export { defaultReactor, Reactor } from './reactor/reactor.ts'
export { TimerWheel, type TimerWheelOptions, WheelTimer } from './reactor/timer-wheel.ts'
export { type Backoff, backoffDelay, type RetryOptions, retry } from './retry.ts'
export { sleep } from './sleep.ts'
export { timeout } from './timeout.ts'
export {
  type Settled,
  type WhenAllResult,
  type WhenOptions,
  whenAll,
  whenAllSettled,
  whenAny,
  whenSome,
} from './when.ts'
