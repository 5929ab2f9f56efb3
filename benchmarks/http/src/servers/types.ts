// What every server module exports: `start(port)` → `{ url, close }`, on 127.0.0.1.

export interface StartOptions {
  /** Idle time before a keep-alive socket is closed; the idle-connection memory check raises it. */
  keepAliveTimeout?: number
}

export interface Started {
  /** e.g. http://127.0.0.1:41234 */
  url: string
  close(): Promise<void>
}

export type Start = (port: number, options?: StartOptions) => Promise<Started>

export const HOST = '127.0.0.1'
