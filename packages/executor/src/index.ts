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
export { type CloseOptions, Executor, type ExecutorOptions, type RunOptions } from './executor.ts'
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
