#!/usr/bin/env node
// Entry point of the `palisade` command. Palisade is written in erasable TypeScript that
// Node runs directly; Node 22.13–22.17 needs the flag that later versions turn on by default.
import { spawnSync } from 'node:child_process';

if (!process.features.typescript) {
  const result = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', ...process.execArgv, process.argv[1], ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}

const { run } = await import('../src/cli/main.ts');
await run(process.argv.slice(2));
