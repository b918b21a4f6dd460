// Client-safe limits of the field retention setting (the admin form shows them).
export const RETENTION_MIN_MONTHS = 1;
export const RETENTION_MAX_MONTHS = 120;
