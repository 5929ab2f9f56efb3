// Optional dependencies loaded on first use: `import { App }` must not pay for ws, piscina (through
// @fasterapi/executor) or busboy until a WebSocket route, an offloaded route or a multipart body needs them.

export interface Lazy<T> {
  /** The module once loaded, else undefined (then call `load()`). */
  get(): T | undefined
  /** Starts loading (once) and resolves with the module. */
  load(): Promise<T>
}

export function lazy<T>(importer: () => Promise<T>): Lazy<T> {
  let loaded: T | undefined
  let loading: Promise<T> | undefined
  return {
    get: () => loaded,
    load: () => {
      loading ??= importer().then((m) => {
        loaded = m
        return m
      })
      return loading
    },
  }
}

export const wsModule = lazy(() => import('ws'))
export const busboyModule = lazy(() => import('@fastify/busboy'))
export const executorModule = lazy(() => import('@fasterapi/executor'))
