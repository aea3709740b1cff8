/**
 * The language package analyzers, one per file format. Explicit list (CONVENTIONS 2.4);
 * analyzers/index.test.ts checks it equals the analyzer files of this folder.
 */
import type { Analyzer } from '../../analyzer.ts';
import { cargoLockAnalyzer } from './cargo-lock.ts';
import { composerLockAnalyzer } from './composer-lock.ts';
import { dotnetDepsAnalyzer } from './dotnet-deps.ts';
import { gemfileLockAnalyzer } from './gemfile-lock.ts';
import { goBinaryAnalyzer } from './go-binary.ts';
import { goModAnalyzer } from './go-mod.ts';
import { jarAnalyzer } from './jar.ts';
import { nodeModulesAnalyzer } from './node-modules.ts';
import { npmLockAnalyzer } from './npm-lock.ts';
import { nugetLockAnalyzer } from './nuget-lock.ts';
import { pipfileLockAnalyzer } from './pipfile-lock.ts';
import { pnpmLockAnalyzer } from './pnpm-lock.ts';
import { poetryLockAnalyzer } from './poetry-lock.ts';
import { pythonDistAnalyzer } from './python-dist.ts';
import { requirementsAnalyzer } from './requirements.ts';
import { uvLockAnalyzer } from './uv-lock.ts';
import { yarnLockAnalyzer } from './yarn-lock.ts';

export const LANG_ANALYZERS: readonly Analyzer[] = [
  npmLockAnalyzer,
  nodeModulesAnalyzer,
  yarnLockAnalyzer,
  pnpmLockAnalyzer,
  pythonDistAnalyzer,
  requirementsAnalyzer,
  poetryLockAnalyzer,
  pipfileLockAnalyzer,
  uvLockAnalyzer,
  goModAnalyzer,
  goBinaryAnalyzer,
  jarAnalyzer,
  dotnetDepsAnalyzer,
  nugetLockAnalyzer,
  cargoLockAnalyzer,
  gemfileLockAnalyzer,
  composerLockAnalyzer,
];
