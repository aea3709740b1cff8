/** What the CLI touches of the process, injected so tests run it in-process. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdoutIsTTY: boolean;
  /** Terminal width when standard output is a terminal. */
  readonly stdoutColumns?: number;
  stdout(text: string): Promise<void>;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  setExitCode(code: number): void;
}

/**
 * A reader that stopped reading (`palisade ... | head`) closes the pipe: further writes fail with
 * EPIPE. That is not an error of the scan: stop writing quietly, as Unix tools do, and keep the
 * exit code the report decided.
 */
function isBrokenPipe(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EPIPE';
}

let stdoutClosed = false;

export function processIo(): CliIo {
  process.stdout.on('error', (error) => {
    if (isBrokenPipe(error)) {
      stdoutClosed = true;
      return;
    }
    throw error;
  });
  return {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: process.stdout.isTTY === true,
    ...(process.stdout.isTTY && process.stdout.columns ? { stdoutColumns: process.stdout.columns } : {}),
    stdout: (text) =>
      new Promise((resolve, reject) => {
        if (stdoutClosed) {
          resolve();
          return;
        }
        process.stdout.write(text, (error) => {
          if (error && isBrokenPipe(error)) {
            stdoutClosed = true;
            resolve();
          } else if (error) {
            reject(error);
          } else {
            resolve();
          }
        });
      }),
    stderr: (text) => {
      process.stderr.write(text);
    },
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}
