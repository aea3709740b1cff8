/**
 * Bundler lockfiles: Gemfile.lock and gems.locked.
 * Format: https://bundler.io/guides/gemfile_lock.html (no formal grammar; Bundler's lockfile
 * parser is the reference). Sections `GEM` (a gem server), `GIT` (a repository) and `PATH` (a local
 * folder) each hold `specs:`, in which a 4-space indented `name (version)` line is a gem and the
 * 6-space indented lines under it are its requirements. A platform-specific gem writes its
 * platform after the version: `nokogiri (1.16.0-x86_64-linux)` is nokogiri 1.16.0 for
 * x86_64-linux (as Bundler reads it, the version ends at the first `-`); the purl keeps it as the
 * `platform` qualifier.
 *
 * `PATH` gems are the project's own code (its gemspec, local gems): not published versions, they
 * are skipped silently. Gemfile.lock does not record groups, so there is no dev flag.
 */
import type { Collected, Diagnostic, Package } from '#core';
import type { AnalyzeContext, Analyzer, FileInput } from '../../analyzer.ts';
import { decodeText, diag, location, purl } from './npm-lock.ts';

const ID = 'lang/gemfile-lock';
const SPEC = /^ {4}([A-Za-z0-9][A-Za-z0-9._-]*) \(([^)\s]+)\)$/;
const GEM_VERSION = /^\d+(?:\.[0-9A-Za-z]+)*$/;

export const gemfileLockAnalyzer: Analyzer = {
  id: ID,
  version: 1,
  kind: 'lang',
  ecosystem: 'RubyGems',
  maxFileBytes: 16 * 1024 * 1024,
  matches(path: string): boolean {
    return /(?:^|\/)(?:Gemfile\.lock|gems\.locked)$/.test(path);
  },
  async analyze(file: FileInput, _ctx: AnalyzeContext): Promise<Collected<Package[]>> {
    const lines = decodeText(await file.read()).split(/\r?\n/);
    const packages: Package[] = [];
    const diagnostics: Diagnostic[] = [];
    let section = '';
    let inSpecs = false;
    lines.forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '') {
        return;
      }
      if (!raw.startsWith(' ')) {
        section = raw.trim();
        inSpecs = false;
        return;
      }
      if (raw === '  specs:') {
        inSpecs = true;
        return;
      }
      if (!inSpecs || !raw.startsWith('    ') || raw.startsWith('     ')) {
        return; // section fields (remote:, revision:) and requirements of a gem
      }
      if (section !== 'GEM' && section !== 'GIT' && section !== 'PATH') {
        return;
      }
      const m = SPEC.exec(raw);
      if (!m) {
        diagnostics.push(
          diag(
            'warning',
            'gemfile-lock.syntax',
            `cannot read a gem from "${raw.trim().slice(0, 80)}"`,
            file.path,
            line,
          ),
        );
        return;
      }
      if (section === 'PATH') {
        return;
      }
      const name = m[1]!;
      const dash = m[2]!.indexOf('-');
      const version = dash < 0 ? m[2]! : m[2]!.slice(0, dash);
      const platform = dash < 0 ? undefined : m[2]!.slice(dash + 1);
      if (!GEM_VERSION.test(version) || platform === '') {
        diagnostics.push(
          diag(
            'warning',
            'gemfile-lock.invalid-version',
            `"${name}" has an invalid version "${m[2]}"`,
            file.path,
            line,
          ),
        );
        return;
      }
      packages.push({
        name,
        version,
        ecosystem: 'RubyGems',
        purl: purl('gem', undefined, name, version, platform ? { platform } : undefined),
        kind: 'lang',
        analyzer: ID,
        location: location(file, line),
        ...(platform ? { arch: platform } : {}),
      });
    });
    return { value: packages, diagnostics };
  },
};
