const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The instant an exemption stops applying. A bare date is valid through the end of that day (UTC): an exemption
 * "until 2025-06-30" still holds on the 30th, as a reader would expect.
 */
export function expiryInstant(expires: string): number {
  const parsed = Date.parse(expires);
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? parsed + DAY_MS : parsed;
}

export function isExpired(expires: string | undefined, now: Date): boolean {
  if (expires === undefined) return false;
  const instant = expiryInstant(expires);
  // An unreadable date never makes an exemption valid: fail closed.
  return Number.isNaN(instant) || now.getTime() >= instant;
}
