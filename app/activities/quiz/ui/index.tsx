import { activityViews } from "../../runtime/views";
import { DisplayQuiz } from "./display";
import { LiveQuiz, SelfPacedQuiz } from "./views";

/** This kind's views, one chunk the browser loads only on pages that show a quiz (../../registry.tsx). */
export const views = activityViews({ SelfPaced: SelfPacedQuiz, Live: LiveQuiz, Display: DisplayQuiz });
