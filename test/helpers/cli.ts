/** Running the CLI in-process with captured output, for tests. */
import { fileURLToPath } from 'node:url';
import type { CliIo } from '#cli/io.ts';
import { run } from '#cli/main.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface CapturedIo {
  readonly io: CliIo;
  out(): string;
  err(): string;
  /** The last exit code the command set (-1 when it set none). */
  code(): number;
}

export interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdin?: string;
}

/** A CliIo that records standard output and error (working directory: the repository). */
export function captureIo(options: CliOptions = {}): CapturedIo {
  let out = '';
  let err = '';
  let code = -1;
  const io: CliIo = {
    cwd: REPO,
    env: options.env ?? {},
    stdoutIsTTY: false,
    stdout: async (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    readStdin: async () => options.stdin ?? '',
    setExitCode: (n) => {
      code = n;
    },
  };
  return { io, out: () => out, err: () => err, code: () => code };
}

/** Run `palisade <args>` in-process; resolves to its exit code and output. */
export async function cli(args: readonly string[], options: CliOptions = {}): Promise<Captured> {
  const captured = captureIo(options);
  const code = await run(args, captured.io);
  return { code, out: captured.out(), err: captured.err() };
}
