import "@remix-run/node";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
  interface AppLoadContext {
    /** The client's address as Express sees it (honours TRUST_PROXY). */
    clientIp: string;
    /** Resolves when the response's socket has room for more (server.js); absent in tests. */
    drained?: () => Promise<void>;
    /** Aborts when the response's connection is gone (server.js); absent in tests. */
    connectionClosed?: AbortSignal;
    /**
     * Opens this response as an event stream written straight to the Node socket, past
     * Remix's web-stream pipe (server.js; docs/decisions/025). Absent in tests: the hub
     * then streams through the Response body.
     */
    openEventStream?: (headers: Record<string, string>) => DirectEventStream;
  }
  /** What the hub writes events to when server.js hands it the socket. */
  interface DirectEventStream {
    write(chunk: string): void;
    /** Bytes written but not yet taken by the socket (a reader that stopped reading). */
    queuedBytes(): number;
    end(): void;
    /** The Response the loader returns: tells server.js the answer is already under way. */
    response: Response;
  }
}
