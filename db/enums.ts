// The value lists behind the database's enum types, with no Drizzle in sight: pages
// import them for their drop-downs, and whatever a page imports ships to the browser.
export const userRoles = ["activist", "trainer", "organiser", "admin"] as const;
export const groupKinds = ["branch", "constituency", "union", "campus", "other"] as const;
