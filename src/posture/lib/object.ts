/**
 * Reading a Kubernetes or OpenShift object's fields through a zod schema, for checks over
 * cluster configuration objects. An object whose fields do not have the API's types makes the
 * check report an error finding naming the object and the fields, not a wrong verdict.
 */
import type { z } from 'zod';
import { compileParser, InputError, type Resource } from '#core';

export function parseObject<T>(schema: z.ZodType<T>, resource: Resource): T {
  const parsed = compileParser(schema)(resource.object);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InputError('input.invalid', `${resource.kind} "${resource.name}" is invalid: ${issues}`);
  }
  return parsed.data;
}
