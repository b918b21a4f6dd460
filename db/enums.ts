// The value lists behind the database's enum types, with no Drizzle in sight: pages
// import them for their drop-downs, and whatever a page imports ships to the browser.
export const userRoles = ["activist", "trainer", "organiser", "admin"] as const;
export const groupKinds = ["branch", "constituency", "union", "campus", "other"] as const;
// A learner's timing accommodation (WCAG 2.2.1): timers as usual, ×2, ×3, or none at all.
export const timingAccommodations = ["standard", "double", "triple", "off"] as const;
