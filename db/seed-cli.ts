// npm run db:seed — demo groups and accounts with a known password. The embedded database
// seeds itself on first start; PostgreSQL only ever gets demo data through this command.
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from "../app/demo/seed.server";
import { describeTarget, openCliDatabase } from "../scripts/cli-db";

console.log(`Seeding demo data into ${describeTarget()}…`);
const handle = await openCliDatabase();
try {
  await seedDemo();
  console.log(`Demo accounts (password for all: ${DEMO_PASSWORD}):`);
  for (const account of DEMO_ACCOUNTS) console.log(`  ${account.role.padEnd(9)} ${account.email}`);
} finally {
  await handle.close();
}
