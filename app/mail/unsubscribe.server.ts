// Where a nudge's "stop these emails" link points. One function, so the mail that carries
// the link never learns how the link is made.
//
// Today it is the account page, where a signed-in person manages their mail preference
// (users.nudge_emails). The sign-in-link work of issue 18 part 1 adds `/unsubscribe/<token>`,
// which works without signing in: when it lands, this function mints that token and every
// nudge gets the one-click link without any change to the nudge code.

/** The absolute unsubscribe address for one person's nudge, on `origin` (scheme://host). */
export async function unsubscribeLink(origin: string, _userId: string): Promise<string> {
  return new URL("/account", origin).toString();
}
