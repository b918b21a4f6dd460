// The value lists behind the database's enum types, with no Drizzle in sight: pages
// import them for their drop-downs, and whatever a page imports ships to the browser.
export const userRoles = ["activist", "trainer", "organiser", "admin"] as const;
export const groupKinds = ["branch", "constituency", "union", "campus", "other"] as const;
// A learner's timing accommodation (WCAG 2.2.1): timers as usual, ×2, ×3, or none at all.
export const timingAccommodations = ["standard", "double", "triple", "off"] as const;
// A field shift is on the doors or on the phones; a debrief says which it was.
export const fieldKinds = ["doors", "phones"] as const;
// What one imported contact attempt came to: nobody answered, someone answered, or a real
// conversation (which is also a contact). Codes only: nothing about who the resident is.
export const contactResults = ["no-answer", "contact", "conversation"] as const;
// Outcome counts a debrief may carry, keyed by these codes (support 1 = strong support).
export const debriefOutcomes = ["support-1", "support-2", "support-3", "support-4", "support-5", "undecided", "not-interested"] as const;
// The lifecycle of a queued email (app/mail/).
// "skipped": not sent on purpose, with skip_reason (opted out since it was queued, the
// session it was about was changed or cancelled).
export const mailStatuses = ["queued", "sending", "sent", "failed", "skipped"] as const;
