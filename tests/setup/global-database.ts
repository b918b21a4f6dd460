// Runs once per vitest run: builds a migrated template database that every test file
// copies, so no file pays for migrations and no two files share rows.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client.server";
import { migrateDatabase } from "../../db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    testDb: "pglite" | "postgres";
    pgliteTemplate: string;
    postgresTemplate: string;
    postgresServerUrl: string;
  }
}

export const testDbKind = (): "pglite" | "postgres" => (process.env.TEST_DB === "postgres" ? "postgres" : "pglite");

export default async function setup(project: TestProject) {
  const kind = testDbKind();
  project.provide("testDb", kind);
  if (kind === "pglite") {
    const dir = mkdtempSync(path.join(tmpdir(), "doorstep-test-"));
    const pg = await PGlite.create();
    const handle = await openDatabase({ kind: "pglite", pglite: pg });
    await migrateDatabase(handle);
    const dump = await pg.dumpDataDir("none");
    const file = path.join(dir, "template.tar");
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await pg.close();
    project.provide("pgliteTemplate", file);
    project.provide("postgresTemplate", "");
    project.provide("postgresServerUrl", "");
    return () => rmSync(dir, { recursive: true, force: true });
  }

  const serverUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const template = `doorstep_tpl_${process.pid}_${Date.now()}`;
  await admin.unsafe(`create database ${template}`);
  const templateUrl = withDatabase(serverUrl, template);
  const handle = await openDatabase({ kind: "postgres", url: templateUrl });
  await migrateDatabase(handle);
  await handle.close();
  project.provide("pgliteTemplate", "");
  project.provide("postgresTemplate", template);
  project.provide("postgresServerUrl", serverUrl);
  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
