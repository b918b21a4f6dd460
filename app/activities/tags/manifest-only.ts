// Its own folder, importing nothing: the step compiler (app/content) reads it, and
// app/activities/registry.tsx imports app/content, so living in the registry would make
// the two folders import each other (tests/unit/import-cycles.test.ts).

/** Tags that only carry content the kind reads from the manifest (../<kind>/extract.ts): rendered as nothing. */
export const MANIFEST_ONLY_TAGS: readonly string[] = ["Question", "Option", "Resident", "Choice", "Issue", "Expect"];
