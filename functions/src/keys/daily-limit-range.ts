/**
 * Pure and dependency-free: the web app imports it too, to check a figure before sending it.
 *
 * The daily limit a user may set on AI calls with their own key: a whole number in this range, or none.
 * The top is well above any person's practice, yet still a bound.
 */
export const dailyLimitRange = { min: 1, max: 10_000 } as const;
