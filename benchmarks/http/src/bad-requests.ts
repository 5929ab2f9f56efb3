// Resident memory under bad requests (issue 18, defect 15): each server in its own process gets the same
// stream of refused requests (parse-error 400s, 404s, malformed JSON bodies), one connection each, 32 at
// a time; its RSS and heap are read after two full GCs every `--step` requests.
// `node --conditions=@fasterapi/source src/bad-requests.ts [--total 40000] [--step 10000] [--servers node,fastify,fasterapi]`
import { connect } from 'node:net'
import { parseArgs } from 'node:util'
import { ServerProcess } from './proc.ts'

const { values } = parseArgs({
  options: {
    total: { type: 'string', default: '40000' },
    step: { type: 'string', default: '10000' },
    servers: { type: 'string', default: 'node,fastify,fasterapi' },
  },
})
const total = Number(values.total)
const step = Number(values.step)

const BAD = [
  'GARBAGE / HTTP/1.1\r\n\r\n', // the parser refuses it: 400
  'GET /nowhere/at/all HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', // 404
  // a malformed JSON body (400/422); not a declared-too-large 413, which raw node:http (no limit) waits out
  'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{"name":,',
]

function one(port: number, bytes: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    socket.on('data', () => socket.end())
    socket.on('error', () => resolve())
    socket.on('close', () => resolve())
  })
}

async function load(port: number, count: number, offset: number): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      await one(port, BAD[(offset + i) % BAD.length]!)
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
}

const mib = (n: number) => (n / 1024 / 1024).toFixed(1)
console.log('| server | after requests | RSS MiB | heap used MiB | external + arrayBuffers MiB |')
console.log('| --- | ---: | ---: | ---: | ---: |')
for (const name of values.servers.split(',')) {
  const server = await ServerProcess.start(name)
  const port = Number(new URL(server.url).port)
  try {
    for (let done = 0; done <= total; done += step) {
      if (done > 0) await load(port, step, done)
      const m = await server.memory()
      console.log(`| ${name} | ${done} | ${mib(m.rss)} | ${mib(m.heapUsed)} | ${mib(m.external + m.arrayBuffers)} |`)
    }
  } finally {
    await server.stop()
  }
}
