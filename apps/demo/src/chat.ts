// A WebSocket chat room: every message is validated, stamped and broadcast to the room (encoded once).
import type { App } from 'fasterapi'
import { z } from 'zod'

const Name = z.object({ name: z.string().trim().min(1).max(30).default('guest') })

export function chat(app: App): void {
  const room = app.room('chat')
  app.websocket('/ws/chat', { query: Name, maxPayload: 4096 }, async ({ query, socket }) => {
    room.join(socket)
    room.broadcast({ from: 'server', text: `${query.name} joined`, at: Date.now() })
    for await (const message of socket) {
      const text = String(message).slice(0, 500)
      if (text.trim() !== '') room.broadcast({ from: query.name, text, at: Date.now() })
    }
    room.broadcast({ from: 'server', text: `${query.name} left`, at: Date.now() })
  })
}
