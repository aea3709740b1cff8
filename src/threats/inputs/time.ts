/**
 * Event timestamps to milliseconds since the epoch. The API server writes RFC 3339 with
 * microseconds in UTC (`2026-11-20T10:01:37.123456Z`) and Falco with nanoseconds; a million
 * events a second through Date.parse cost more than the rest of classification, so the common
 * shape is read by hand and everything else (offsets, lowercase, days past the 28th, odd forms)
 * goes to Date.parse, which gives the same answer. Fractions beyond milliseconds are truncated,
 * as Date.parse does.
 */

const DIGIT_0 = 48;

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) {
      return -1;
    }
    value = value * 10 + d;
  }
  return value;
}

/** Milliseconds since the epoch, or NaN when the text is not a date Date.parse reads. */
export function parseTimestamp(text: string): number {
  const n = text.length;
  if (
    n < 20 ||
    text.charCodeAt(n - 1) !== 0x5a /* Z */ ||
    text.charCodeAt(4) !== 0x2d /* - */ ||
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x54 /* T */ ||
    text.charCodeAt(13) !== 0x3a /* : */ ||
    text.charCodeAt(16) !== 0x3a
  ) {
    return Date.parse(text);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return Date.parse(text);
  }
  let millis = 0;
  if (n > 20) {
    // ".f…Z": at least one fraction digit, all digits.
    if (text.charCodeAt(19) !== 0x2e /* . */ || n < 22) {
      return Date.parse(text);
    }
    let scale = 100;
    for (let i = 20; i < n - 1; i++) {
      const d = text.charCodeAt(i) - DIGIT_0;
      if (d < 0 || d > 9) {
        return Date.parse(text);
      }
      millis += d * scale;
      scale /= 10;
    }
    millis = Math.floor(millis);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}
