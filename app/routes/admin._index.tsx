import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";
import { may, ROLES } from "~/auth/policy";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser({ request, context }, ROLES.invite);
  throw redirect(may.administer(user.role) ? "/admin/users" : "/admin/invites");
}

// A page component keeps this a UI route: without one, Remix treats /admin as a resource
// route and a refused (403) visitor gets bare JSON instead of the error page in the shell.
export default function AdminIndex() {
  return null;
}
