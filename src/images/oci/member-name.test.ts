import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseMemberName } from './blob-source.ts';
import { normaliseEntryName } from './member-name.ts';

describe('member names', () => {
  it('normalises plain, dotted, absolute and doubled-slash names alike', () => {
    assert.deepEqual(normaliseEntryName('./usr/bin/x'), { kind: 'ok', path: 'usr/bin/x', absolute: false });
    assert.deepEqual(normaliseEntryName('usr/share/'), { kind: 'ok', path: 'usr/share', absolute: false });
    assert.deepEqual(normaliseEntryName('/etc//./passwd'), { kind: 'ok', path: 'etc/passwd', absolute: true });
    assert.deepEqual(normaliseEntryName('a/b/../c'), { kind: 'ok', path: 'a/c', absolute: false });
    assert.deepEqual(normaliseEntryName('./'), { kind: 'root' });
    assert.deepEqual(normaliseEntryName('a/../../etc'), { kind: 'traversal' });
  });

  it('gives archive members the same names, the root as "" and a traversal as undefined', () => {
    assert.equal(normaliseMemberName('./blobs/sha256/ab'), 'blobs/sha256/ab');
    assert.equal(normaliseMemberName('/index.json'), 'index.json');
    assert.equal(normaliseMemberName('.'), '');
    assert.equal(normaliseMemberName('../x'), undefined);
  });
});
