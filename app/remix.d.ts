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
  }
}
