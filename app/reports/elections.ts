// Client-safe limits of the election results import (app/reports/elections.server.ts),
// shown on the form as well as checked on the server.

export const ELECTION_LABEL_MAX = 80;
/** Far more seats than any one election has; a file longer than this is not a results table. */
export const SEATS_MAX = 2000;
