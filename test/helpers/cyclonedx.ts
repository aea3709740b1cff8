/** Validation of CycloneDX documents against the official schemas, for tests. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The official CycloneDX JSON schemas shipped in @cyclonedx/cyclonedx-library (res/schema), draft-07,
 * with the SPDX licence-id and JSF schemas they reference. Ajv's strict *schema* mode is off because
 * the official schema itself fails it (a `required` property not declared in a oneOf branch); the
 * documents are validated in full: every format the schemas use is enforced (iri-reference and
 * idn-email from ajv-formats-draft2019, date-time and uri defined here after RFC 3339 / 3986).
 */
export function cycloneDxValidator(version: '1.4' | '1.6'): ValidateFunction {
  const require = createRequire(import.meta.url);
  const schemaDir = new URL('res/schema/', pathToFileURL(require.resolve('@cyclonedx/cyclonedx-library/package.json')));
  const load = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as Record<string, unknown>;
  const addDraft2019Formats = require('ajv-formats-draft2019') as (ajv: Ajv, options: { formats: string[] }) => Ajv;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addDraft2019Formats(ajv, { formats: ['idn-email', 'iri-reference'] });
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
  ajv.addFormat('uri', (text: string) => /^[a-z][a-z0-9+.-]*:/i.test(text) && URL.canParse(text));
  ajv.addSchema({ ...load('spdx.SNAPSHOT.schema.json'), $id: 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json' });
  ajv.addSchema({
    ...load('jsf-0.82.SNAPSHOT.schema.json'),
    $id: 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json',
  });
  return ajv.compile(load(`bom-${version}.SNAPSHOT.schema.json`));
}
