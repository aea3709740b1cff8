import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REPORT_SCHEMA_VERSION, type ScanReport } from '#core';
import { cli } from '#test/helpers/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/cli');

const POD = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: apps }
spec:
  hostNetwork: true${extra}
  containers: [{ name: app, image: registry.example.com/app:1.0 }]
`;

describe('palisade CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /scan \[options\] <paths\.\.\.>/);
    assert.match(r.out, /checks/);
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    assert.equal(r.code, 0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.out.trim(), pkg.version);
  });

  it('unknown options and commands are usage errors (2)', async () => {
    assert.equal((await cli(['scan', '--no-such-flag', 'x'])).code, 2);
    assert.equal((await cli(['frobnicate'])).code, 2);
    assert.equal((await cli(['scan'])).code, 2);
    assert.equal((await cli(['scan', '--fail-on', 'severe', '-'])).code, 2);
  });

  it('unknown framework, unknown check, bad PSS version and missing files are usage errors (2) with a message', async () => {
    for (const args of [
      ['scan', '--framework', 'pss-extreme', '-'],
      ['scan', '--check', 'no-such-check', '-'],
      ['scan', '--pss-version', '1.30', '-'],
      ['scan', join(FIXTURES, 'does-not-exist.yaml')],
    ]) {
      const r = await cli(args, { stdin: POD('p') });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /^palisade: /, args.join(' '));
    }
  });

  it('a bad config file is exit 2 naming file, line and key', async () => {
    const r = await cli(['scan', '--config', join(FIXTURES, 'bad-config.yaml'), '-'], { stdin: POD('p') });
    assert.equal(r.code, 2);
    assert.match(r.err, /bad-config\.yaml:2: scan\.failOn/);
  });

  it('malformed input is a diagnostic: exit 0 without --strict, 2 with it; valid documents still scanned', async () => {
    const file = join(FIXTURES, 'broken.yaml');
    const lenient = await cli(['scan', file, '--format', 'json', '--status', 'all', '--fail-on', 'none']);
    assert.equal(lenient.code, 0, lenient.err);
    const report = JSON.parse(lenient.out) as ScanReport;
    assert.ok(
      report.diagnostics.some(
        (d) =>
          d.code === 'yaml.syntax' && d.location.file === file && d.location.line === 18 && d.location.column === 5,
      ),
    );
    assert.ok(report.findings.some((f) => f.resource.name === 'good-before'));
    assert.equal(report.summary.unknownKinds.Widget, 1);
    const strict = await cli(['scan', file, '--strict', '--fail-on', 'none']);
    assert.equal(strict.code, 2);
  });

  it('--fail-on gates the exit code; env and flags follow flag > env precedence', async () => {
    const stdin = POD('hostnet');
    assert.equal((await cli(['scan', '-', '--fail-on', 'none'], { stdin })).code, 0);
    assert.equal((await cli(['scan', '-', '--fail-on', 'low'], { stdin })).code, 1);
    assert.equal((await cli(['scan', '-'], { stdin, env: { PALISADE_FAIL_ON: 'none' } })).code, 0);
    assert.equal((await cli(['scan', '-', '--fail-on', 'low'], { stdin, env: { PALISADE_FAIL_ON: 'none' } })).code, 1);
  });

  it('--output writes the report to a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-cli-'));
    try {
      const file = join(dir, 'out.json');
      const r = await cli(['scan', '-', '--format', 'json', '--output', file, '--fail-on', 'none'], {
        stdin: POD('p'),
      });
      assert.equal(r.code, 0);
      assert.equal(r.out, '');
      const report = JSON.parse(readFileSync(file, 'utf8')) as ScanReport;
      assert.equal(report.tool.name, 'palisade');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks list --format json lists every check with its metadata', async () => {
    const r = await cli(['checks', 'list', '--format', 'json']);
    assert.equal(r.code, 0);
    const list = JSON.parse(r.out) as { id: string; slug: string; frameworks: unknown[] }[];
    assert.ok(list.length > 30);
    assert.ok(list.every((c) => /^PAL-(K8S|OCP|AZR|ARO)-\d{4}$/.test(c.id) && c.frameworks.length > 0));
  });

  it('stops quietly when the reader closes the pipe early (palisade ... | head)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/palisade.js'), 'scan', 'examples/aro-cluster', '--format', 'json'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.doesNotMatch(err, /EPIPE|internal error|Unhandled/);
    assert.equal(code, 1, 'the exit code still reflects the findings (the demo has high findings)');
  });

  it('the installed bin runs as a real process with the same exit codes', () => {
    const bin = join(ROOT, 'bin/palisade.js');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: palisade/);
    const failing = spawnSync(process.execPath, [bin, 'scan', '-', '--fail-on', 'low', '--format', 'json'], {
      input: POD('p'),
      encoding: 'utf8',
    });
    assert.equal(failing.status, 1, failing.stderr);
    assert.equal((JSON.parse(failing.stdout) as ScanReport).schemaVersion, REPORT_SCHEMA_VERSION);
    const usage = spawnSync(process.execPath, [bin, 'scan', '--framework', 'nope', '-'], {
      input: '',
      encoding: 'utf8',
    });
    assert.equal(usage.status, 2);
  });
});
