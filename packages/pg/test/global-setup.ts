// Starts one throwaway cluster for the whole run (users for each auth method, TLS on) and stops it at
// the end. DATABASE_URL points the general tests at a developer's own server instead.
import type {} from 'vitest'
import type { TestProject } from 'vitest/node'
import { type Cluster, startCluster } from '../src/testing.ts'

let cluster: Cluster | undefined

export const USERS = {
  md5: { name: 'md5_user', password: 'md5 secret', method: 'md5' },
  cleartext: { name: 'cleartext_user', password: 'plain secret', method: 'password' },
  scram: { name: 'scram_user', password: 'scräm sécret', method: 'scram-sha-256' },
} as const

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  cluster = await startCluster({ users: Object.values(USERS), ssl: true })
  project.provide('databaseUrl', process.env.DATABASE_URL ?? cluster.url)
  project.provide('clusterUrl', cluster.url)
  project.provide('socketDir', cluster.socketDir)
  project.provide('certificate', cluster.certificate ?? '')
  project.provide('md5Url', cluster.urlFor(USERS.md5.name, USERS.md5.password))
  project.provide('cleartextUrl', cluster.urlFor(USERS.cleartext.name, USERS.cleartext.password))
  project.provide('scramUrl', cluster.urlFor(USERS.scram.name, USERS.scram.password))
  return async () => {
    await cluster?.stop()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    clusterUrl: string
    socketDir: string
    certificate: string
    md5Url: string
    cleartextUrl: string
    scramUrl: string
  }
}
