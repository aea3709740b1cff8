import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { toResource } from '#inventory';
import { createAdmission } from './evaluate.ts';
import { jsonPointer, MUTATE_LABEL, type MutationOptions, mutateRequest } from './mutate.ts';
import { type AdmissionRequest, type JsonPatchOperation, wrapAsCreate } from './review.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/admission/mutation/', import.meta.url));
const OPTED_IN: MutationOptions = { namespaceLabels: { [MUTATE_LABEL]: 'true' } };

function fixture(name: string): Record<string, unknown> {
  return parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as Record<string, unknown>;
}

function createOf(object: Record<string, unknown>, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return { ...wrapAsCreate(object).request, ...extra };
}

// --- A small, strict RFC 6902 apply (add, replace, remove) for the tests -------------------------

function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function tokens(pointer: string): string[] {
  assert.ok(pointer.startsWith('/'), `"${pointer}" is not a JSON Pointer`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

/**
 * Apply a JSON Patch to a copy. Strict where RFC 6902 is lenient, to catch mutation bugs: `add`
 * must not target an existing object member (that would overwrite a value the user set), and the
 * parent of every target must exist (parents are created first, in order).
 */
function applyPatch(document: unknown, patch: readonly JsonPatchOperation[]): unknown {
  const root = structuredClone(document);
  for (const op of patch) {
    const path = tokens(op.path);
    const key = path.pop() as string;
    let parent: unknown = root;
    for (const token of path) {
      if (Array.isArray(parent)) {
        parent = parent[Number(token)];
      } else if (typeof parent === 'object' && parent !== null) {
        parent = (parent as Record<string, unknown>)[token];
      } else {
        parent = undefined;
      }
      assert.ok(parent !== undefined && parent !== null, `${op.op} ${op.path}: parent does not exist`);
    }
    if (Array.isArray(parent)) {
      const index = key === '-' ? parent.length : Number(key);
      assert.ok(Number.isInteger(index) && index >= 0 && index <= parent.length, `${op.path}: bad index`);
      if (op.op === 'add') {
        parent.splice(index, 0, structuredClone(op.value));
      } else if (op.op === 'replace') {
        parent[index] = structuredClone(op.value);
      } else {
        parent.splice(index, 1);
      }
      continue;
    }
    assert.ok(typeof parent === 'object' && parent !== null, `${op.path}: parent is not an object`);
    const record = parent as Record<string, unknown>;
    if (op.op === 'add') {
      assert.equal(record[key], undefined, `add ${op.path} would overwrite a value`);
      record[key] = structuredClone(op.value);
    } else if (op.op === 'replace') {
      assert.ok(key in record, `replace ${op.path}: no value`);
      record[key] = structuredClone(op.value);
    } else {
      assert.ok(key in record, `remove ${op.path}: no value`);
      delete record[key];
    }
  }
  return root;
}

/** Mutate, apply, check the result is a valid workload, and that mutating it again changes nothing. */
function mutateAndApply(object: Record<string, unknown>, options: MutationOptions = OPTED_IN) {
  const result = mutateRequest(createOf(object), options);
  const mutated = applyPatch(object, result.patch) as Record<string, unknown>;
  const built = toResource(mutated, { file: 'mutated' });
  assert.ok(built.resource?.pod, `the mutated object has a valid pod template: ${built.resource?.podError ?? ''}`);
  const again = mutateRequest(createOf(mutated), options);
  assert.deepEqual(again.patch, [], 'mutating a mutated object gives no patch');
  return { result, mutated };
}

describe('mutation', () => {
  it('adds the secure defaults to a Deployment, parents before children, and reports them', () => {
    const { result, mutated } = mutateAndApply(fixture('deployment.yaml'));
    assert.deepEqual(result.patch, [
      { op: 'add', path: '/spec/template/spec/securityContext/seccompProfile', value: { type: 'RuntimeDefault' } },
      {
        op: 'add',
        path: '/spec/template/spec/initContainers/0/securityContext',
        value: { allowPrivilegeEscalation: false },
      },
      {
        op: 'add',
        path: '/spec/template/spec/initContainers/0/securityContext/capabilities',
        value: { drop: ['ALL'] },
      },
      { op: 'add', path: '/spec/template/spec/initContainers/0/securityContext/runAsNonRoot', value: true },
      { op: 'add', path: '/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation', value: false },
      { op: 'add', path: '/spec/template/spec/containers/0/securityContext/capabilities/drop', value: ['ALL'] },
      { op: 'add', path: '/spec/template/spec/containers/0/securityContext/runAsNonRoot', value: true },
      // the sidecar set allowPrivilegeEscalation and a drop list itself: kept as they are
      { op: 'add', path: '/spec/template/spec/containers/1/securityContext/runAsNonRoot', value: true },
    ]);
    assert.deepEqual(result.annotations, {
      mutations:
        'pod: seccompProfile.type=RuntimeDefault; init container "migrate": allowPrivilegeEscalation=false, capabilities.drop=[ALL], runAsNonRoot=true; container "web": allowPrivilegeEscalation=false, capabilities.drop=[ALL], runAsNonRoot=true; container "sidecar": runAsNonRoot=true',
    });
    const spec = (mutated.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    const containers = spec.containers as { securityContext: Record<string, unknown> }[];
    assert.deepEqual(containers[0]?.securityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
      runAsNonRoot: true,
    });
    assert.deepEqual(containers[1]?.securityContext, {
      allowPrivilegeEscalation: true,
      capabilities: { drop: ['NET_RAW'] },
      runAsNonRoot: true,
    });
    for (const key of Object.keys(result.annotations)) {
      assert.ok(!key.includes('/'), key);
    }
  });

  it('the mutated Deployment passes Pod Security restricted at admission', () => {
    // without the sidecar, whose own allowPrivilegeEscalation: true mutation rightly keeps
    const object = fixture('deployment.yaml') as { spec: { template: { spec: { containers: unknown[] } } } };
    object.spec.template.spec.containers.pop();
    const admission = createAdmission({
      namespaceLabels: new Map([['shop', { 'palisade.io/enforce': 'restricted' }]]),
    });
    assert.equal(admission.admit(createOf(object as unknown as Record<string, unknown>)).allowed, false);
    const { mutated } = mutateAndApply(object as unknown as Record<string, unknown>);
    const outcome = admission.admit(createOf(mutated));
    assert.equal(outcome.allowed, true, outcome.status?.message);
  });

  it('sets runAsNonRoot only where the image allows it: non-zero runAsUser, or an image listed as non-root, never UID 0', () => {
    const object = fixture('cronjob.yaml');
    const plain = mutateAndApply(object).result;
    const base = '/spec/jobTemplate/spec/template/spec';
    assert.deepEqual(
      plain.patch.map((op) => op.path),
      [
        `${base}/securityContext`,
        `${base}/containers/0/securityContext`,
        `${base}/containers/0/securityContext/capabilities`,
        `${base}/containers/1/securityContext/allowPrivilegeEscalation`,
        `${base}/containers/1/securityContext/capabilities`,
        `${base}/containers/2/securityContext`,
        `${base}/containers/2/securityContext/capabilities`,
      ],
    );
    assert.deepEqual(plain.patch[0]?.value, { seccompProfile: { type: 'RuntimeDefault' } });
    const listed = mutateAndApply(object, { ...OPTED_IN, nonRootImages: ['myacr.azurecr.io/jobs/*'] }).result;
    const nonRoot = listed.patch.filter((op) => op.path.endsWith('/runAsNonRoot')).map((op) => op.path);
    // report (listed image) yes; cleanup (listed but runAsUser 0) never; other (not listed, no UID) no
    assert.deepEqual(nonRoot, [`${base}/containers/0/securityContext/runAsNonRoot`]);
    assert.equal(listed.annotations['mutations-skipped'], 'container "cleanup": runAsNonRoot (runAsUser is 0)');
  });

  it('leaves out what would make the object invalid: privileged containers, CAP_SYS_ADMIN, the legacy seccomp annotation', () => {
    const { result } = mutateAndApply(fixture('pod-privileged.yaml'));
    assert.deepEqual(result.patch, [
      { op: 'add', path: '/spec/containers/1/securityContext/capabilities/drop', value: ['ALL'] },
    ]);
    assert.equal(
      result.annotations['mutations-skipped'],
      'pod: seccompProfile (the seccomp.security.alpha.kubernetes.io/pod annotation is set); container "agent": allowPrivilegeEscalation (privileged); container "agent": capabilities.drop (privileged); container "fuse": allowPrivilegeEscalation (adds CAP_SYS_ADMIN)',
    );
  });

  it('mutates only the defaults asked for', () => {
    const { result } = mutateAndApply(fixture('deployment.yaml'), { ...OPTED_IN, defaults: ['seccompProfile'] });
    assert.deepEqual(
      result.patch.map((op) => op.path),
      ['/spec/template/spec/securityContext/seccompProfile'],
    );
  });

  it('gives the same patch for a dry-run request', () => {
    const object = fixture('deployment.yaml');
    assert.deepEqual(
      mutateRequest(createOf(object, { dryRun: true }), OPTED_IN),
      mutateRequest(createOf(object), OPTED_IN),
    );
  });

  it('mutates Pods at CREATE only, and controllers at an UPDATE that changes the pod template', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'myacr.azurecr.io/c:1' }] },
    };
    assert.equal(mutateAndApply(pod).result.patch.length, 3);
    assert.equal(
      mutateRequest(createOf(pod, { operation: 'UPDATE', oldObject: pod }), OPTED_IN).skipped,
      'a pod spec cannot change after creation',
    );
    const old = fixture('deployment.yaml');
    const relabelled = { ...old, metadata: { ...(old.metadata as object), labels: { team: 'a' } } };
    assert.equal(
      mutateRequest(createOf(relabelled, { operation: 'UPDATE', oldObject: old }), OPTED_IN).skipped,
      'pod template unchanged',
    );
    const bumped = structuredClone(old) as { spec: { template: { spec: { containers: { image: string }[] } } } };
    (bumped.spec.template.spec.containers[0] as { image: string }).image = 'myacr.azurecr.io/shop/web:1.1';
    const update = mutateRequest(
      createOf(bumped as Record<string, unknown>, { operation: 'UPDATE', oldObject: old }),
      OPTED_IN,
    );
    assert.equal(update.patch.length, 8);
  });

  it('does nothing unless the namespace opted in, and skips what is not a workload create or update', () => {
    const object = fixture('deployment.yaml');
    assert.match(mutateRequest(createOf(object), {}).skipped ?? '', /no palisade\.io\/mutate: "true" label/);
    assert.equal(mutateRequest(createOf(object), { namespaceLabels: { [MUTATE_LABEL]: 'false' } }).patch.length, 0);
    assert.equal(mutateRequest(createOf(object, { operation: 'DELETE' }), OPTED_IN).skipped, 'operation DELETE');
    assert.equal(
      mutateRequest(createOf(object, { subResource: 'scale' }), OPTED_IN).skipped,
      'subresource deployments/scale',
    );
    assert.equal(
      mutateRequest(createOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }), OPTED_IN).skipped,
      'kind Service is not a workload',
    );
    assert.equal(mutateRequest({ uid: 'x' }, OPTED_IN).skipped, 'not an AdmissionReview request');
    const windows = structuredClone(object) as { spec: { template: { spec: Record<string, unknown> } } };
    windows.spec.template.spec.os = { name: 'windows' };
    assert.match(mutateRequest(createOf(windows as Record<string, unknown>), OPTED_IN).skipped ?? '', /^Windows pod/);
    const broken = structuredClone(object) as { spec: { template: { spec: Record<string, unknown> } } };
    broken.spec.template.spec.containers = 'web';
    assert.equal(
      mutateRequest(createOf(broken as Record<string, unknown>), OPTED_IN).skipped,
      'the object has no valid pod spec',
    );
  });

  it('writes RFC 6901 pointers, escaping "~" and "/"', () => {
    assert.equal(
      jsonPointer(['metadata', 'annotations', 'palisade.io/x~y', 0]),
      '/metadata/annotations/palisade.io~1x~0y/0',
    );
    assert.deepEqual(tokens(jsonPointer(['a/b', '~1', 'c'])), ['a/b', '~1', 'c']);
    assert.deepEqual(
      applyPatch({ metadata: { annotations: {} } }, [
        { op: 'add', path: jsonPointer(['metadata', 'annotations', 'a/b~c']), value: 'v' },
      ]),
      { metadata: { annotations: { 'a/b~c': 'v' } } },
    );
    // the strict apply catches a patch that would overwrite or skip a parent
    assert.throws(() => applyPatch({ a: 1 }, [{ op: 'add', path: '/a', value: 2 }]), /would overwrite/);
    assert.throws(() => applyPatch({}, [{ op: 'add', path: '/a/b', value: 2 }]), /parent does not exist/);
  });
});
