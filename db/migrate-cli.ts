// npm run db:migrate — the server also migrates at start; this is for deploy pipelines.
import { describeTarget, openCliDatabase } from "../scripts/cli-db";

console.log(`Migrating ${describeTarget()}…`);
const handle = await openCliDatabase();
await handle.close();
console.log("Migrations applied.");
