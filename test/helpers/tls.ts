/**
 * Certificates made by openssl for a test run: CAs, and serving or client certificates signed by
 * them. `OPENSSL_SKIP` is the `skip` option for suites that need them (a message when openssl is
 * not installed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const OPENSSL_SKIP: false | string =
  spawnSync('openssl', ['version']).status === 0 ? false : 'openssl is not installed: cannot make test certificates';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A self-signed CA `${name}.crt`/`${name}.key` (CN palisade-test-<name>). */
export function makeCa(dir: string, name: string, days = 2): void {
  openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-days',
    String(days),
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    `/CN=palisade-test-${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

/**
 * `${name}.crt`/`.key` signed by the CA `ca`, for `usage` (serverAuth or clientAuth), with the
 * subject CN and subjectAltName given.
 */
export function makeLeaf(
  dir: string,
  name: string,
  ca: string,
  cn: string,
  usage: 'serverAuth' | 'clientAuth',
  san: string,
  days = 2,
): void {
  writeFileSync(
    join(dir, `${name}.cnf`),
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${usage}\nsubjectAltName=${san}\n`,
  );
  openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    String(days),
    '-sha256',
    '-extfile',
    `${name}.cnf`,
    '-out',
    `${name}.crt`,
  ]);
}

/** `ca.crt`/`ca.key` in `dir`, then `${name}.crt`/`${name}.key` for each name, serverAuth for 127.0.0.1. */
export function makeServingCerts(dir: string, names: readonly string[], days = 2): void {
  makeCa(dir, 'ca', days);
  for (const name of names) {
    makeLeaf(dir, name, 'ca', name, 'serverAuth', 'DNS:localhost,IP:127.0.0.1', days);
  }
}
