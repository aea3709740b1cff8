import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CvssScore, isCvssError, scoreVector, severityOfScore } from './cvss.ts';

function scored(vector: string): CvssScore {
  const result = scoreVector(vector);
  if (isCvssError(result)) {
    assert.fail(`${vector}: ${result.error}`);
  }
  return result;
}

/**
 * Vectors and base scores published by FIRST in "CVSS v3.1: Examples"
 * (https://www.first.org/cvss/v3.1/examples), one row per example named there.
 */
const V31_EXAMPLES: readonly (readonly [string, string, number])[] = [
  ['CVE-2013-0375 MySQL stored SQL injection', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
  ['CVE-2014-3566 SSLv3 POODLE', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 3.1],
  ['CVE-2012-1516 VMware guest to host escape', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
  ['CVE-2009-0783 Apache Tomcat XML parser', 'CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', 4.2],
  ['CVE-2012-0384 Cisco IOS command execution', 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', 7.2],
  ['CVE-2015-1098 Apple iWork denial of service', 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8],
  ['CVE-2014-0160 OpenSSL Heartbleed', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5],
  ['CVE-2008-1447 DNS Kaminsky bug', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N', 6.8],
  ['CVE-2014-2005 Sophos login screen bypass', 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 6.8],
  ['CVE-2010-0467 Joomla directory traversal', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N', 5.8],
  ['CVE-2012-1342 Cisco access control bypass', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:L/A:N', 5.8],
  ['CVE-2013-6014 Juniper proxy ARP', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H', 9.3],
  ['CVE-2011-1265 Windows Bluetooth RCE', 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 8.8],
  ['CVE-2014-2019 Apple iOS security control bypass', 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N', 4.6],
  ['CVE-2015-0970 SearchBlox CSRF', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 8.8],
  ['CVE-2014-0224 SSL/TLS MITM', 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N', 7.4],
  ['CVE-2012-5376 Chrome sandbox bypass', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H', 9.6],
  ['CVE-2019-7551 Cantemo Portal stored XSS', 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H', 9.0],
  ['CVE-2017-5942 WordPress Mail plugin reflected XSS', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVE-2016-5558 Oracle Outside In RCE', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:L', 8.6],
  ['CVE-2016-5729 Lenovo ThinkPwn', 'CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H', 8.2],
  ['CVE-2015-2890 failure to lock flash on resume', 'CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:H', 6.0],
  ['CVE-2018-3652 Intel DCI', 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 7.6],
];

/**
 * "CVSS v3.0: Examples" (https://www.first.org/cvss/v3.0/examples): examples that exist only there,
 * scored with the 3.1 formula (the base equations are the same).
 */
const V30_EXAMPLES: readonly (readonly [string, string, number])[] = [
  ['CVE-2013-1937 phpMyAdmin reflected XSS', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVE-2014-9253 DokuWiki reflected XSS', 'CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N', 5.4],
  ['CVE-2012-0384 Cisco IOS (3.0 scoring, PR:L)', 'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 8.8],
];

/**
 * "CVSS v4.0: Examples" (https://www.first.org/cvss/v4.0/examples). The score is the one FIRST
 * prints for the vector as written (CVSS-B, or CVSS-BT where the example sets E).
 */
const V40_EXAMPLES: readonly (readonly [string, string, number])[] = [
  ['CVE-2022-41741 NGINX mp4 module', 'CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.3],
  ['CVE-2020-3549 Cisco FMC', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.7],
  ['CVE-2020-3549 with E:U', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U', 5.2],
  ['CVE-2023-3089 OpenShift FIPS', 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N', 8.3],
  ['CVE-2021-44714 Adobe Acrobat Reader', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', 4.6],
  ['CVE-2022-24682 Zimbra calendar XSS', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N', 5.1],
  ['CVE-2022-22186 Juniper EX4650', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N', 6.9],
  ['CVE-2023-21989 Oracle VirtualBox', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:H/SI:N/SA:N', 5.9],
  ['CVE-2020-3947 VMware Workstation', 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 9.4],
  ['CVE-2023-48228 authentik PKCE', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:H/SI:H/SA:H', 9.3],
  ['CVE-2024-6387 regreSSHion', 'CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:P', 8.2],
  ['CVE-2013-6014 Juniper proxy ARP', 'CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H', 6.4],
  ['CVE-2014-0160 Heartbleed', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:A', 8.7],
  ['CVE-2021-44228 Log4Shell', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A', 9.3],
];

/**
 * "A Complete Guide to the Common Vulnerability Scoring System Version 2.0", section 3.3
 * (https://www.first.org/cvss/v2/guide#3-3-Examples), base scores.
 */
const V2_EXAMPLES: readonly (readonly [string, string, number])[] = [
  ['CVE-2002-0392 Apache chunked encoding', 'AV:N/AC:L/Au:N/C:N/I:N/A:C', 7.8],
  ['CVE-2003-0818 Microsoft ASN.1 library', 'AV:N/AC:L/Au:N/C:C/I:C/A:C', 10.0],
  ['CVE-2003-0062 NOD32 buffer overflow', 'AV:L/AC:H/Au:N/C:C/I:C/A:C', 6.2],
];

describe('scoreVector: FIRST specification examples', () => {
  for (const [name, vector, expected] of V31_EXAMPLES) {
    it(`v3.1 ${name} = ${expected}`, () => {
      const result = scored(vector);
      assert.equal(result.version, '3.1');
      assert.equal(result.score, expected);
      assert.equal(result.severity, severityOfScore(expected));
      assert.equal(result.vector, vector);
    });
  }
  for (const [name, vector, expected] of V30_EXAMPLES) {
    it(`v3.0 ${name} = ${expected}`, () => {
      const result = scored(vector);
      assert.equal(result.version, '3.0');
      assert.equal(result.score, expected);
    });
  }
  for (const [name, vector, expected] of V40_EXAMPLES) {
    it(`v4.0 ${name} = ${expected}`, () => {
      const result = scored(vector);
      assert.equal(result.version, '4.0');
      assert.equal(result.score, expected);
      assert.equal(result.nomenclature, vector.includes('/E:') ? 'CVSS-BT' : 'CVSS-B');
    });
  }
  for (const [name, vector, expected] of V2_EXAMPLES) {
    it(`v2 ${name} = ${expected}`, () => {
      const result = scored(vector);
      assert.equal(result.version, '2.0');
      assert.equal(result.score, expected);
    });
  }
});

describe('scoreVector: severity bands', () => {
  it('maps v3/v4 scores onto the specification scale, including the edges', () => {
    assert.deepEqual([0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10].map(severityOfScore), [
      'none',
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
  });
  it('scores a v3.1 vector with no impact as 0.0 / none', () => {
    const result = scored('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N');
    assert.equal(result.score, 0);
    assert.equal(result.severity, 'none');
  });
  it('uses NVD v2 ranges: 10.0 is high (v2 has no critical), 0.0 is low', () => {
    assert.equal(scored('AV:N/AC:L/Au:N/C:C/I:C/A:C').severity, 'high');
    assert.equal(scored('AV:N/AC:L/Au:N/C:N/I:N/A:N').severity, 'low');
    assert.equal(scored('AV:L/AC:H/Au:N/C:C/I:C/A:C').severity, 'medium');
  });
});

describe('scoreVector: what it accepts beyond the base metrics', () => {
  it('ignores temporal and environmental metrics of v3.1 for the base score', () => {
    const base = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N';
    assert.equal(scored(`${base}/E:P/RL:O/RC:C/CR:H/MAV:L`).score, 6.1);
  });
  it('accepts v3 metrics in any order (v3.1 specification section 6)', () => {
    assert.equal(scored('CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N').score, 9.8);
  });
  it('accepts a v2 vector in parentheses and with temporal metrics', () => {
    const result = scored('(AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C)');
    assert.equal(result.score, 7.8);
    assert.equal(result.vector, '(AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C)');
  });
  it('names the v4.0 nomenclature after the groups the vector sets', () => {
    const base = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    assert.equal(scored(base).nomenclature, 'CVSS-B');
    assert.equal(scored(`${base}/E:X`).nomenclature, 'CVSS-B');
    assert.equal(scored(`${base}/CR:H`).nomenclature, 'CVSS-BE');
    assert.equal(scored(`${base}/E:U/CR:H`).nomenclature, 'CVSS-BTE');
    assert.equal(scored(`${base}/S:P/AU:Y/U:Amber`).nomenclature, 'CVSS-B');
  });
  it('tolerates v4.0 metrics out of the prescribed order, scores them the same and says so', () => {
    const canonical = scored('CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N');
    const shuffled = scored('CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N');
    assert.equal(shuffled.score, canonical.score);
    assert.equal(canonical.notes, undefined);
    assert.deepEqual(shuffled.notes, ['metric VI is out of the order the specification prescribes']);
  });
  it('tolerates one trailing slash and says so', () => {
    const result = scored('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/');
    assert.equal(result.score, 9.8);
    assert.deepEqual(result.notes, ["trailing '/' ignored"]);
  });
  it('trims surrounding whitespace', () => {
    assert.equal(scored('  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n').score, 9.8);
  });
});

describe('scoreVector: malformed vectors are errors, never scores', () => {
  const cases: readonly (readonly [string, string, RegExp])[] = [
    ['empty', '', /empty/],
    ['garbage', 'garbage', /not a CVSS v3\/v4 vector/],
    ['unknown version', 'CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /unsupported CVSS version "3.2"/],
    ['bad prefix', 'CVSS:/AV:N', /malformed/],
    ['missing base metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', /missing base metric A\b/],
    ['unknown metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y', /unknown metric "XX"/],
    ['bad value', 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV has invalid value "Q"/],
    ['repeated metric', 'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV is repeated/],
    ['two trailing slashes', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H//', /"" is not a METRIC:VALUE pair/],
    ['empty pair', 'CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /"" is not a METRIC:VALUE pair/],
    ['prefix only', 'CVSS:3.1/', /no metrics/],
    ['lower-case value', 'CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /invalid value "n"/],
    ['v3 metric in v4', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/RL:O', /unknown metric "RL"/],
    ['v4 missing SA', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N', /missing base metric SA/],
    ['v2 incomplete', 'AV:N/AC:L/Au:N', /missing base metrics C, I, A/],
    ['v2 value of v3', 'AV:P/AC:L/Au:N/C:C/I:C/A:C', /AV has invalid value "P"/],
    ['hostile size', `CVSS:3.1/${'AV:N/'.repeat(200)}`, /characters long/],
  ];
  for (const [name, vector, message] of cases) {
    it(name, () => {
      const result = scoreVector(vector);
      assert.ok(isCvssError(result), `${name} should be an error, got ${JSON.stringify(result)}`);
      assert.match(result.error, message);
    });
  }
  it('rejects a non-string at run time without throwing', () => {
    const result = scoreVector(42 as unknown as string);
    assert.ok(isCvssError(result));
  });
});
