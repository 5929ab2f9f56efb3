// Reports rejected futures that nobody handled, the way Node reports an unhandled Promise rejection:
// after the current macrotask, each one still unhandled is re-raised as a rejected native Promise with
// the same reason, so `process.on('unhandledRejection')` and `--unhandled-rejections` apply unchanged.

interface Trackable {
  _handled: boolean
  _value: unknown
}

let pending: Trackable[] = []
let scheduled = false

function report(): void {
  const batch = pending
  pending = []
  scheduled = false
  for (const future of batch) {
    if (!future._handled) void Promise.reject(future._value)
  }
}

// invariant: called only for a future that settled REJECTED with no reaction attached
export function trackRejection(future: Trackable): void {
  pending.push(future)
  if (!scheduled) {
    scheduled = true
    setImmediate(report)
  }
}
