import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import { benchServer } from './server.ts'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await benchServer()
  project.provide('benchUrl', server.url)
  return () => server.stop()
}

declare module 'vitest' {
  export interface ProvidedContext {
    benchUrl: string
  }
}
