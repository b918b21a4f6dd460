// A small Server-Sent-Events client for the live benchmark: thousands of them in one
// process, so no EventSource polyfill and no JSON parsing on the hot path — each event's
// raw `data:` string is handed to the caller, who looks only for what it measures.
import http from "node:http";

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

/**
 * Open `url` as an event stream. `onEvent({ id, event, data, at })` is called for every
 * event, `at` being performance.now() when its last byte arrived. Resolves once the
 * response headers are in (rejects on a non-200 answer).
 */
export function connectSse(url, { headers = {}, onEvent = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers: { Accept: "text/event-stream", ...headers } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`${url}: HTTP ${response.statusCode}`));
        return;
      }
      response.setEncoding("utf8");
      let buffer = "";
      response.on("data", (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id = null;
          let event = "message";
          let data = null;
          for (const line of block.split("\n")) {
            if (line.startsWith("data: ")) data = data === null ? line.slice(6) : `${data}\n${line.slice(6)}`;
            else if (line.startsWith("id: ")) id = line.slice(4);
            else if (line.startsWith("event: ")) event = line.slice(7);
          }
          if (data !== null) onEvent({ id, event, data, at: performance.now() });
        }
      });
      response.on("error", () => {});
      resolve({ close: () => request.destroy() });
    });
    request.on("error", reject);
    request.setTimeout(0);
  });
}

/** Open many streams, at most `concurrency` handshakes at a time. */
export async function connectMany(count, open, { concurrency = 100 } = {}) {
  const clients = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      clients[i] = await open(i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return clients;
}
