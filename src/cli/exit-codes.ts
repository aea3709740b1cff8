/** Exit codes, the CI contract. */
export const EXIT = {
  /** Nothing failed at or above --fail-on. */
  ok: 0,
  /** A policy failure: an unsuppressed finding at or above --fail-on. */
  policy: 1,
  /** Usage, config or input error (input errors only with --strict). */
  usage: 2,
  /** External or runtime failure. */
  runtime: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
