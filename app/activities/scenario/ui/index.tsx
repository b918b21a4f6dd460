import type { ReactNode } from "react";
import { activityViews } from "../../runtime/views";
import { DisplayScenario } from "./display";
import { LiveScenario, SelfPacedScenario } from "./views";

/** `<Ending>` holds the debrief the scenario view shows for the ending a run reached (./endings.tsx). */
const Ending = ({ children }: { id: string; children?: ReactNode }) => <>{children}</>;

/** This kind's views, one chunk the browser loads only on pages that show a scenario (../../registry.tsx). */
export const views = activityViews({ SelfPaced: SelfPacedScenario, Live: LiveScenario, Display: DisplayScenario, parts: { Ending } });
