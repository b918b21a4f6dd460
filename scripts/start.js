// `npm start`: build once if there is no build yet, then serve it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

process.env.NODE_ENV ??= "production";
if (!existsSync("build/index.js")) {
  console.log("No build yet: running `remix build` (once)…");
  const result = spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
await import("../server.js");
