import { createContext, useContext } from "react";

// The CSP nonce of the document being rendered (entry.server.tsx provides it). It is not
// loader data: it must never travel in a client navigation's data or be cached with it.
// In the browser there is no provider and the value is "": scripts that Remix renders after
// hydration are not inline, and the browser hides a nonce attribute from the DOM anyway.
const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;

export const useNonce = () => useContext(NonceContext);
