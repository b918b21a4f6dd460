import { activityViews } from "../../runtime/views";
import { DisplayReflect } from "./display";
import { LiveReflect, SelfPacedReflect } from "./views";

/** This kind's views, one chunk the browser loads only on pages that show a reflect (../../registry.tsx). */
export const views = activityViews({ SelfPaced: SelfPacedReflect, Live: LiveReflect, Display: DisplayReflect });
