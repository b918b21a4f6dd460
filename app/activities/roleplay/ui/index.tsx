import { activityViews } from "../../runtime/views";
import { DisplayRolePlay } from "./display";
import { Debrief, LiveRolePlay, Role, SelfPacedRolePlay } from "./views";

/** This kind's views, one chunk the browser loads only on pages that show a role-play (../../registry.tsx). */
export const views = activityViews({ SelfPaced: SelfPacedRolePlay, Live: LiveRolePlay, Display: DisplayRolePlay, parts: { Role, Debrief } });
