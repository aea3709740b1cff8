/**
 * Certificates made by openssl for a test run: a CA (`ca.crt`/`ca.key`) and serving certificates
 * for 127.0.0.1 and localhost signed by it. `OPENSSL_SKIP` is the `skip` option for suites that
 * need them (a message when openssl is not installed).
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

/** `ca.crt`/`ca.key` in `dir`, then `${name}.crt`/`${name}.key` for each name, serverAuth for 127.0.0.1. */
export function makeServingCerts(dir: string, names: readonly string[], days = 2): void {
  openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-days',
    '2',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=palisade-test-ca',
  ]);
  for (const name of names) {
    writeFileSync(
      join(dir, `${name}.cnf`),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
    );
    openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
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
}
