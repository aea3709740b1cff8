/**
 * Exact Kubernetes resource quantities for the CEL `quantity` library.
 *
 * Grammar (resource.Quantity, https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/):
 *   quantity := signedNumber [suffix]
 *   suffix   := binarySI (Ki Mi Gi Ti Pi Ei) | decimalSI (m "" k M G T P E) | ("e" | "E") signedInteger
 *   number   := digits | digits "." [digits] | "." digits
 *
 * Every quantity is held exactly as a whole number of nano-units (BigInt), which is the precision
 * the API server keeps: a value finer than 1n is rounded away from zero to the next nano-unit
 * (so a tiny positive request still asks for something). Comparison, addition and subtraction are
 * therefore exact ("0.1" + "0.2" == "300m", "1Gi" > "1G").
 *
 * posture/lib/quantity.ts parses the same grammar into a JavaScript number, which is right for its
 * "set / zero / invalid" questions but not exact enough for CEL's compareTo, add and isInteger.
 */

const QUANTITY_RE =
  /^(?<sign>[+-])?(?<int>\d*)(?:\.(?<frac>\d*))?(?:(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE](?<exp>[+-]?\d+))?$/;

const BINARY: Readonly<Record<string, bigint>> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

const DECIMAL_EXPONENT: Readonly<Record<string, number>> = { m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Exponents further than this from zero are refused (they would only allocate huge numbers). */
const MAX_EXPONENT = 1000;

const NANO = 9;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** numerator / 10^scale, rounded away from zero when not whole. */
function divideAwayFromZero(numerator: bigint, divisor: bigint): bigint {
  const quotient = numerator / divisor;
  if (quotient * divisor === numerator) {
    return quotient;
  }
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

/** An exact Kubernetes quantity (CEL type `Quantity`). Immutable. */
export class Quantity {
  /** The value in nano-units (value × 10^9). */
  readonly nanos: bigint;
  /** The text it was parsed from (or a canonical rendering for computed values). */
  readonly text: string;

  constructor(nanos: bigint, text: string) {
    this.nanos = nanos;
    this.text = text;
  }

  sign(): bigint {
    return this.nanos > 0n ? 1n : this.nanos < 0n ? -1n : 0n;
  }

  compareTo(other: Quantity): bigint {
    return this.nanos < other.nanos ? -1n : this.nanos > other.nanos ? 1n : 0n;
  }

  /** True when the value is whole and fits a 64-bit signed integer. */
  isInteger(): boolean {
    if (this.nanos % pow10(NANO) !== 0n) {
      return false;
    }
    const whole = this.nanos / pow10(NANO);
    return whole >= INT64_MIN && whole <= INT64_MAX;
  }

  /** The whole value; throws when it is fractional or does not fit a 64-bit signed integer. */
  asInteger(): bigint {
    if (!this.isInteger()) {
      throw new Error(`cannot convert value to integer: quantity "${this.text}" is not a whole 64-bit integer`);
    }
    return this.nanos / pow10(NANO);
  }

  asApproximateFloat(): number {
    const negative = this.nanos < 0n;
    const abs = negative ? -this.nanos : this.nanos;
    const digits = abs.toString().padStart(NANO + 1, '0');
    const value = Number(`${digits.slice(0, -NANO)}.${digits.slice(-NANO)}`);
    return negative ? -value : value;
  }

  add(other: Quantity): Quantity {
    const nanos = this.nanos + other.nanos;
    return new Quantity(nanos, renderNanos(nanos));
  }

  sub(other: Quantity): Quantity {
    const nanos = this.nanos - other.nanos;
    return new Quantity(nanos, renderNanos(nanos));
  }

  toString(): string {
    return this.text;
  }
}

/** A plain decimal rendering of a nano-unit count ("1500m" → "1.5"). */
function renderNanos(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = (negative ? -nanos : nanos).toString().padStart(NANO + 1, '0');
  const whole = abs.slice(0, -NANO);
  const fraction = abs.slice(-NANO).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export function quantityFromInteger(value: bigint): Quantity {
  return new Quantity(value * pow10(NANO), value.toString());
}

/** Parses a quantity exactly; returns why not when the text is not one. Never throws. */
export function parseExactQuantity(text: string): Quantity | { readonly error: string } {
  const match = QUANTITY_RE.exec(text);
  const groups = match?.groups;
  const intPart = groups?.int ?? '';
  const fracPart = groups?.frac ?? '';
  if (!groups || (intPart === '' && fracPart === '')) {
    return { error: `"${text}" is not a Kubernetes quantity` };
  }
  // value = digits × 10^exponent × binary
  let exponent = -fracPart.length;
  let binary = 1n;
  if (groups.exp !== undefined) {
    const exp = Number(groups.exp);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > MAX_EXPONENT) {
      return { error: `"${text}" has an exponent out of range` };
    }
    exponent += exp;
  } else if (groups.suffix !== undefined) {
    const decimal = DECIMAL_EXPONENT[groups.suffix];
    if (decimal !== undefined) {
      exponent += decimal;
    } else {
      binary = BINARY[groups.suffix] ?? 1n;
    }
  }
  let digits = BigInt(`${intPart}${fracPart}` || '0') * binary;
  if (groups.sign === '-') {
    digits = -digits;
  }
  const shift = exponent + NANO;
  const nanos = shift >= 0 ? digits * pow10(shift) : divideAwayFromZero(digits, pow10(-shift));
  return new Quantity(nanos, text);
}

export function isQuantity(text: string): boolean {
  return parseExactQuantity(text) instanceof Quantity;
}
