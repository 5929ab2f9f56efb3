// A fresh database per test on the run's server, so migrations and tables never meet across tests.
import { randomBytes } from 'node:crypto'
import { createPool } from '@fasterapi/pg'
import { inject } from 'vitest'

export async function freshDatabase(): Promise<{ url: string; [Symbol.asyncDispose](): Promise<void> }> {
  const admin = createPool({ url: inject('databaseUrl'), max: 1 })
  const name = `t_${randomBytes(6).toString('hex')}`
  await admin.unsafe(`create database ${name}`)
  const url = new URL(inject('databaseUrl'))
  url.pathname = `/${name}`
  return {
    url: url.href,
    async [Symbol.asyncDispose]() {
      await admin.unsafe(`drop database ${name} with (force)`)
      await admin.end()
    },
  }
}

/** Polls `check` on every macrotask turn until it returns true (event-driven waits have no clock). */
export async function until(check: () => Promise<boolean> | boolean, what: string, attempts = 2_000): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`gave up waiting for ${what}`)
}
