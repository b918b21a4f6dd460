import { view as display } from "./display";
import { view as live } from "./live";
import { view as self } from "./self";

/** Every screen's view, for the server, which renders any of them (../../views.server.ts); the browser loads one screen's at a time. */
export const screens = { self, live, display };
