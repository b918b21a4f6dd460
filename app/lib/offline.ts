/**
 * The request header "Save for offline" sends with each step it fetches ahead of time
 * (ADR 035): the step loader then reads progress without recording a view.
 */
export const OFFLINE_SAVE_HEADER = "X-Doorstep-Offline-Save";
