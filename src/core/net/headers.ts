/** Small HTTP facts shared by every client: Retry-After, and which hosts are this machine. */

/**
 * Retry-After (RFC 9110 §10.2.3) in milliseconds: delay-seconds, or an HTTP date (then the time
 * left, at least 0); undefined when absent or malformed. A list (repeated header) uses its first.
 */
export function retryAfterMs(
  value: string | readonly string[] | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : (value as string | null | undefined);
  if (text === undefined || text === null || text.trim() === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** True for a loopback host name ('localhost', '::1' or '[::1]', 127.0.0.0/8): this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
