import { activityViews } from "../../runtime/views";
import { DisplayPoll } from "./display";
import { LivePoll, SelfPacedPoll } from "./views";

/** This kind's views, one chunk the browser loads only on pages that show a poll (../../registry.tsx). */
export const views = activityViews({ SelfPaced: SelfPacedPoll, Live: LivePoll, Display: DisplayPoll });
