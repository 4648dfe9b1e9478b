import { request } from 'node:http'

/**
 * The URL of the sim's first load-balancer listener, without a trailing slash. Read on a fresh
 * connection (no keep-alive agent), so nothing keeps the test process alive afterwards.
 */
export function listenerUrl(simUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${simUrl}/_sim/listeners`, { agent: false }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        const { listeners } = JSON.parse(text) as { listeners: { url: string }[] }
        const url = listeners[0]?.url
        if (url === undefined) reject(new Error('the sim has no listener'))
        else resolve(url.replace(/\/$/, ''))
      })
    })
    req.on('error', reject)
    req.end()
  })
}
