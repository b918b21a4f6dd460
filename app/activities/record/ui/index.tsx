import { activityViews } from "../../runtime/views";
import { DisplayRecord } from "./display";
import { LiveRecord, SelfPacedRecord } from "./views";

/** This kind's views, one chunk the browser loads only on pages that show a record (../../registry.tsx). */
export const views = activityViews({ SelfPaced: SelfPacedRecord, Live: LiveRecord, Display: DisplayRecord });
