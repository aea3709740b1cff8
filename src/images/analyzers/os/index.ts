/**
 * The OS package analyzers, one per package database format. Explicit list (CONVENTIONS 2.4);
 * index.test.ts checks it equals the analyzer files of this folder.
 */
import type { Analyzer } from '../../analyzer.ts';
import { apkAnalyzer } from './apk.ts';
import { dpkgAnalyzer } from './dpkg.ts';
import { rpmAnalyzer } from './rpm.ts';

export const OS_ANALYZERS: readonly Analyzer[] = [dpkgAnalyzer, apkAnalyzer, rpmAnalyzer];
