import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireUser } from "~/auth/guard.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["admin"]);
  throw redirect("/admin/users");
}
