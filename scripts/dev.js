// `npm run dev`: rebuild on change (remix watch) and restart the server when the build
// changes. Modules recompile on their own when a file in content/ changes.
import { spawn, spawnSync } from "node:child_process";

process.env.NODE_ENV = "development";
const built = spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);
const children = [
  spawn("npx", ["remix", "watch"], { stdio: "inherit" }),
  spawn(process.execPath, ["--watch-path=build", "server.js"], { stdio: "inherit" }),
];
const stop = () => {
  for (const child of children) child.kill("SIGTERM");
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
