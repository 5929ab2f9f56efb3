export { assertCanCrossThreads, canCrossThreads, findNotCloneable, type NotCloneable } from './cross-threads.ts'
export {
  ExecutorClosedError,
  ExecutorError,
  InvalidArgumentError,
  NotCloneableError,
  QueueFullError,
  TaskTimeoutError,
  WorkerExitError,
} from './errors.ts'
export { Executor } from './executor.ts'
export type { CloseOptions, ExecutorOptions, RunOptions } from './options.ts'
export { defaultPoolSize, type PoolSizeOptions } from './pool-size.ts'
export type { ExecutorStats, TimeSummary, WorkerLoad } from './stats.ts'
export {
  defineTask,
  defineTasks,
  type Task,
  type TaskModule,
  type TaskResult,
  type Transferred,
  transferResult,
} from './task.ts'
