import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { ROLES } from "~/auth/policy";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser({ request, context }, ROLES.administer);
  throw redirect("/admin/users");
}

// A page component keeps this a UI route: without one, Remix treats /admin as a resource
// route and a refused (403) visitor gets bare JSON instead of the error page in the shell.
export default function AdminIndex() {
  return null;
}
