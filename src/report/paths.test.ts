import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { artifactLocation, directoryUri, displayPath, relativeTo } from './paths.ts';

const cwd = '/work/repo';

describe('report paths', () => {
  it('makes paths relative to cwd only when they lie inside it', () => {
    const cases = [
      ['deploy/a.yaml', 'deploy/a.yaml'],
      ['./deploy/../deploy/a.yaml', 'deploy/a.yaml'],
      ['/work/repo/deploy/a.yaml', 'deploy/a.yaml'],
      ['/work/repo-other/a.yaml', undefined],
      ['../a.yaml', undefined],
      ['/etc/kubernetes/admin.yaml', undefined],
      ['..hidden/a.yaml', '..hidden/a.yaml'],
    ] as const;
    for (const [file, expected] of cases) {
      assert.equal(relativeTo(file, cwd), expected, file);
    }
  });

  it('shows files relative when inside cwd, as given otherwise', () => {
    assert.equal(displayPath('/work/repo/deploy/a.yaml', cwd), 'deploy/a.yaml');
    assert.equal(displayPath('/etc/a.yaml', cwd), '/etc/a.yaml');
    assert.equal(displayPath('<stdin>', cwd), '<stdin>');
  });

  it('builds SARIF artifact locations: %SRCROOT%-relative, absolute file URI, or stdin', () => {
    assert.deepEqual(artifactLocation('deploy/my app.yaml', cwd), {
      uri: 'deploy/my%20app.yaml',
      uriBaseId: '%SRCROOT%',
    });
    assert.deepEqual(artifactLocation('deploy/50%.yaml', cwd), { uri: 'deploy/50%25.yaml', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifactLocation('/etc/a b.yaml', cwd), { uri: 'file:///etc/a%20b.yaml' });
    assert.deepEqual(artifactLocation('<stdin>', cwd), { uri: 'stdin' });
  });

  it('writes base URIs with a trailing slash', () => {
    assert.equal(directoryUri('/work/repo'), 'file:///work/repo/');
    assert.equal(directoryUri('/work/repo/'), 'file:///work/repo/');
  });
});
