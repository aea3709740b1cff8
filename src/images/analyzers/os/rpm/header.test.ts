import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHeaderBlob, RpmHeaderError, sourceRpmName, TAG } from './header.ts';
import { buildHeaderBlob } from './write.ts';

const openssl = {
  name: 'openssl-libs',
  version: '1.1.1k',
  release: '12.el8_9',
  epoch: 1,
  arch: 'x86_64',
  sourceRpm: 'openssl-1.1.1k-12.el8_9.src.rpm',
  license: 'OpenSSL and ASL 2.0',
  vendor: 'Red Hat, Inc.',
};

describe('parseHeaderBlob', () => {
  it('reads the tags of a header written from the format description', () => {
    assert.deepEqual(parseHeaderBlob(buildHeaderBlob(openssl)), openssl);
  });

  it('leaves out optional tags that are absent', () => {
    assert.deepEqual(parseHeaderBlob(buildHeaderBlob({ name: 'a', version: '1', release: '2' })), {
      name: 'a',
      version: '1',
      release: '2',
    });
  });

  it('rejects every truncation of a blob with RpmHeaderError, never another error', () => {
    const blob = buildHeaderBlob(openssl);
    for (let length = 0; length < blob.length; length++) {
      assert.throws(() => parseHeaderBlob(blob.subarray(0, length)), RpmHeaderError, `length ${length}`);
    }
  });

  it('survives every single-byte corruption: a header or a RpmHeaderError', () => {
    const blob = buildHeaderBlob(openssl);
    for (let at = 0; at < blob.length; at++) {
      for (const value of [0x00, 0xff, 0x7f]) {
        const bad = Buffer.from(blob);
        bad[at] = value;
        try {
          parseHeaderBlob(bad);
        } catch (error) {
          assert.ok(error instanceof RpmHeaderError, `byte ${at} = ${value}: ${String(error)}`);
        }
      }
    }
  });

  it('names the problem: hostile counts, offsets outside the store, missing NAME', () => {
    const blob = buildHeaderBlob(openssl);
    const huge = Buffer.from(blob);
    huge.writeUInt32BE(0x10000000, 0);
    assert.throws(() => parseHeaderBlob(huge), /index count 268435456 is out of range/);
    const offset = Buffer.from(blob);
    offset.writeInt32BE(0x7fff0000, 8 + 8); // first entry's offset
    assert.throws(() => parseHeaderBlob(offset), /outside the .*data store/);
    const noName = Buffer.from(blob);
    noName.writeInt32BE(999, 8); // first entry (NAME) becomes an unknown tag
    assert.throws(() => parseHeaderBlob(noName), /no NAME tag \(1000\)/);
    const unterminated = buildHeaderBlob({ name: 'x', version: '1', release: '1' });
    assert.throws(() => parseHeaderBlob(unterminated.subarray(0, unterminated.length - 1)), RpmHeaderError);
    const wrongType = Buffer.from(blob);
    wrongType.writeUInt32BE(4, 8 + 4); // NAME typed INT32
    assert.throws(() => parseHeaderBlob(wrongType), new RegExp(`tag ${TAG.NAME} has type 4`));
  });
});

describe('sourceRpmName', () => {
  const cases: readonly (readonly [string, string | undefined])[] = [
    ['util-linux-2.32.1-42.el8_8.src.rpm', 'util-linux'],
    ['gcc11-11.2.1+git610-1.3.9.src.rpm', 'gcc11'],
    ['ca-certificates-2.0.0-1.cm2.src.rpm', 'ca-certificates'],
    ['python3.11-3.11.7-1.el9.nosrc.rpm', 'python3.11'],
    ['not-a-source-rpm', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => assert.equal(sourceRpmName(input), expected));
  }
});
