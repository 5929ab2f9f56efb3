// Small helpers for AbortSignal plumbing shared by the combinators.

/** Aborts `controller` when `signal` aborts; returns the function that unlinks them. */
export function linkSignal(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (signal === undefined) return noop
  if (signal.aborted) {
    controller.abort(signal.reason)
    return noop
  }
  const onAbort = () => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  return () => signal.removeEventListener('abort', onAbort)
}

/** Calls `onAbort(reason)` when `signal` aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal | undefined, onAbort: (reason: unknown) => void): () => void {
  if (signal === undefined) return noop
  const listener = () => onAbort(signal.reason)
  signal.addEventListener('abort', listener, { once: true })
  return () => signal.removeEventListener('abort', listener)
}

export function noop(): void {}
