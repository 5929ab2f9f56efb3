// The demo's routes as MCP tools at /mcp (Streamable HTTP, stateless): the items CRUD, the CPU route, the jobs.
// A tool call runs its route through the app, so validation, the bearer check and the response filter apply
// as for HTTP; a streamed route (GET /jobs/run) reports each step as a progress notification, and a cancelled
// call aborts the route's signal (the job stops).
import type { App } from 'fasterapi'
import type { McpServer } from 'fasterapi/mcp'
import 'fasterapi/mcp' // adds app.mcp()

export function mcpTools(app: App): McpServer {
  return app.mcp({
    path: '/mcp',
    name: 'fasterapi-demo',
    instructions:
      'A shop of items with prices, a CPU-heavy prime count and long jobs. Item margins need the API token ' +
      '(send Authorization: Bearer <token> with the MCP requests). Prefer runJob to follow a job to its end.',
    // the dashboard's stream never ends: no use as a tool
    exclude: { operationIds: ['dashboardStats'] },
  })
}
