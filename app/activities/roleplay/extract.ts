import { childElements, type ActivityReader } from "../reading/mdx-reader";
import type { RolePlayActivity, RolePlayRole } from "./manifest";

/** <RolePlay id title minutes> holding one canvasser and one resident <Role>, and a <Debrief>. */
export const rolePlayReader: ActivityReader<RolePlayActivity> = {
  tag: "RolePlay",
  parts: { Role: "<RolePlay>", Debrief: "<RolePlay>" },
  read(el, stepId, reader) {
    const a = reader.attrs(el);
    reader.expectOnly(el, ["Role", "Debrief"]);
    const minutes = a.num("minutes");
    if (minutes === undefined) reader.problem(el, `<RolePlay> needs minutes={…} (the timer length).`);
    const roles: RolePlayRole[] = childElements(el)
      .filter((r) => r.name === "Role")
      .map((r) => {
        const ra = reader.attrs(r);
        const type = ra.str("type");
        if (type !== "canvasser" && type !== "resident") reader.problem(r, `<Role> type must be "canvasser" or "resident".`);
        return {
          type: type as RolePlayRole["type"],
          name: ra.str("name"),
          situation: ra.str("situation"),
          concerns: ra.str("concerns"),
          goal: ra.str("goal", type === "canvasser"),
          movedBy: ra.str("movedBy", type === "resident"),
        };
      });
    const types = roles.map((r) => r.type).sort().join(",");
    if (types !== "canvasser,resident") reader.problem(el, `<RolePlay> needs exactly two <Role>s: one type="canvasser" and one type="resident".`);
    return { kind: "roleplay", id: a.str("id"), stepId, title: a.str("title"), minutes: minutes ?? 5, roles };
  },
};
