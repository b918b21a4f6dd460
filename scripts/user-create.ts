// npm run user:create -- --email a@b.org --name "A B" --role admin [--password …] [--group "Name"]…
import { parseArgs } from "node:util";
import { z } from "zod";
import { createAccount } from "../app/auth/accounts.server";
import { emailSchema, nameSchema, passwordSchema, roleSchema } from "../app/auth/validation.server";
import { listGroups } from "../app/groups/groups.server";
import { describeTarget, openCliDatabase } from "./cli-db";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    name: { type: "string" },
    role: { type: "string", default: "activist" },
    password: { type: "string" },
    group: { type: "string", multiple: true, default: [] },
  },
});

const parsed = z
  .object({ email: emailSchema, name: nameSchema, role: roleSchema, password: passwordSchema.optional() })
  .safeParse(values);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`--${issue.path.join(".")}: ${issue.message}`);
  console.error('Usage: npm run user:create -- --email a@b.org --name "A B" --role admin|organiser|trainer|activist [--password …] [--group "Group name"]');
  process.exit(2);
}

console.log(`Using ${describeTarget()}`);
const handle = await openCliDatabase();
try {
  const groups = await listGroups();
  const groupIds: string[] = [];
  for (const name of values.group ?? []) {
    const group = groups.find((g) => g.name.toLowerCase() === name.toLowerCase());
    if (!group) {
      console.error(`No group called “${name}”. Groups: ${groups.map((g) => g.name).join(", ") || "none yet"}`);
      process.exit(2);
    }
    groupIds.push(group.id);
  }
  const result = await createAccount({ ...parsed.data, groupIds });
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
  console.log(`Created ${parsed.data.role} ${parsed.data.email}`);
  if (!parsed.data.password) console.log(`Generated password (shown once): ${result.value.password}`);
} finally {
  await handle.close();
}
