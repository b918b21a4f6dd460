import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

// Baseline (b) of `npm run bench` — the framework floor. A Remix route in the same build,
// inside the normal root layout and shell, that renders a static string of `?bytes=N`
// characters. It touches no database; the bench requests it without a cookie, so the root
// loader finds no session and queries nothing either. It does not exist (404) unless the
// server runs with DOORSTEP_BENCH=1. See docs/performance.md.

const MAX_BYTES = 500_000;
// Words of ASCII letters: one byte per character and nothing for React to escape.
const FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";

export const meta: MetaFunction = () => [{ title: "Bench · Doorstep" }, { name: "robots", content: "noindex" }];

function clampBytes(raw: string | null): number {
  const n = Math.floor(Number(raw ?? "1"));
  if (!Number.isFinite(n)) return 1;
  return Math.min(MAX_BYTES, Math.max(1, n));
}

export function loader({ request }: LoaderFunctionArgs) {
  if (process.env.DOORSTEP_BENCH !== "1") throw new Response("Not found", { status: 404 });
  return { bytes: clampBytes(new URL(request.url).searchParams.get("bytes")) };
}

// The same size always renders the same string: build it once per size.
const cache = new Map<number, string>();
function filler(bytes: number): string {
  let text = cache.get(bytes);
  if (text === undefined) {
    text = FILLER.repeat(Math.ceil(bytes / FILLER.length)).slice(0, bytes);
    if (cache.size > 64) cache.clear();
    cache.set(bytes, text);
  }
  return text;
}

export default function BenchStatic() {
  const { bytes } = useLoaderData<typeof loader>();
  return <p>{filler(bytes)}</p>;
}
