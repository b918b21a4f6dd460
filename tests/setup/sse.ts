// One reader of the live event stream for the integration tests. Each test used to carry its
// own copy of the block parser, and one of them treated the hub's `ping` events as views.

export interface SseEvent {
  event: string;
  id: string;
  data: string;
}

/** Split the complete events off the front of an SSE buffer; `rest` is the unfinished tail. Comment lines are skipped; one data line per event, as the hub sends. */
export function takeSseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  let rest = buffer;
  for (let end = rest.indexOf("\n\n"); end >= 0; end = rest.indexOf("\n\n")) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const fields = new Map<string, string>();
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ""));
    }
    // As in a browser: a block without data (e.g. the stream's opening `retry:`) is no event.
    if (fields.has("data")) events.push({ event: fields.get("event") ?? "message", id: fields.get("id") ?? "", data: fields.get("data") ?? "" });
  }
  return { events, rest };
}

/** Read a stream in the background, handing each complete event to `onEvent`; settles when the stream ends or is cancelled. */
export function readSseEvents(body: ReadableStream<Uint8Array>, onEvent: (event: SseEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const { events, rest } = takeSseEvents(buffer + decoder.decode(value, { stream: true }));
        buffer = rest;
        events.forEach(onEvent);
      }
    } catch {
      // cancelled or aborted: the test is done with this stream
    }
  })();
}

/** Pull events one at a time: `next` waits up to `timeoutMs` for the next complete event and throws if none comes. */
export function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let queued: SseEvent[] = [];
  let buffer = "";
  return {
    async next(timeoutMs = 3000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const first = queued.shift();
        if (first) return first;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no event in time");
        const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), left))]);
        if (!chunk) throw new Error("no event in time");
        if (chunk.done) throw new Error("stream ended");
        const { events, rest } = takeSseEvents(buffer + decoder.decode(chunk.value, { stream: true }));
        buffer = rest;
        queued = queued.concat(events);
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
