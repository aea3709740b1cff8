import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Resource } from '#core';
import { toResource } from '#inventory';
import { type AdmissionRequest, parseAdmissionReview } from '../review.ts';
import { evaluatePolicies, VALIDATION_FAILURE_ANNOTATION } from './evaluate.ts';
import { buildPolicySet, loadPolicies, type PolicySet } from './load.ts';

const FIX = fileURLToPath(new URL('../../../test/fixtures/admission/vap/', import.meta.url));

function requestFrom(name: string): AdmissionRequest {
  const parsed = parseAdmissionReview(JSON.parse(readFileSync(`${FIX}requests/${name}`, 'utf8')));
  assert.ok('review' in parsed, 'error' in parsed ? parsed.error : '');
  return parsed.review.request;
}

const deny = (policy: string, binding: string, message: string) =>
  `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${message}`;

describe('evaluatePolicies on the fixture policies', () => {
  let set: PolicySet;
  before(async () => {
    set = (await loadPolicies([`${FIX}policies`])).value;
  });

  it('denies with the params limit (messageExpression) and the required label (reason Forbidden)', () => {
    const result = evaluatePolicies(set, requestFrom('create-deployment-too-many-replicas.json'));
    const first = deny(
      'replica-limit.palisade.io',
      'replica-limit-test-namespaces',
      'spec.replicas is 5, over the limit of 3',
    );
    assert.deepEqual(result, {
      allowed: false,
      denials: [
        {
          policy: 'replica-limit.palisade.io',
          binding: 'replica-limit-test-namespaces',
          message: first,
          reason: 'Invalid',
          code: 422,
          expressionIndex: 0,
        },
        {
          policy: 'required-labels.palisade.io',
          binding: 'required-labels',
          message: deny(
            'required-labels.palisade.io',
            'required-labels',
            'Deployments must carry the app.kubernetes.io/name label',
          ),
          reason: 'Forbidden',
          code: 403,
          expressionIndex: 0,
        },
      ],
      status: { code: 422, message: first, reason: 'Invalid' },
      warnings: [],
      auditAnnotations: {},
      errors: [],
    });
  });

  it('allows a compliant deployment', () => {
    const result = evaluatePolicies(set, requestFrom('create-deployment-ok.json'));
    assert.deepEqual(result, { allowed: true, denials: [], warnings: [], auditAnnotations: {}, errors: [] });
  });

  it('skips the params binding outside namespaces its namespaceSelector picks (labels given by the caller)', () => {
    const request = requestFrom('create-deployment-too-many-replicas.json');
    const result = evaluatePolicies(set, request, { namespace: { labels: { environment: 'production' } } });
    assert.deepEqual(
      result.denials.map((d) => d.policy),
      ['required-labels.palisade.io'],
    );
  });

  it('warns and audits a large update (Warn, Audit) and writes the audit annotations', () => {
    const result = evaluatePolicies(set, requestFrom('update-deployment-scale-up.json'));
    assert.deepEqual(result, {
      allowed: true,
      denials: [],
      warnings: [
        "Validation failed for ValidatingAdmissionPolicy 'replica-audit.palisade.io' with binding 'replica-audit': more than 50 replicas",
      ],
      auditAnnotations: {
        'replica-audit.palisade.io/high-replica-count': 'Deployment spec.replicas set to 60',
        'replica-audit.palisade.io/scaled-up': 'from 20',
        [VALIDATION_FAILURE_ANNOTATION]:
          '[{"message":"more than 50 replicas","policy":"replica-audit.palisade.io","binding":"replica-audit","expressionIndex":0,"validationActions":["Warn","Audit"]}]',
      },
      errors: [],
    });
  });

  it('denies privileged containers named through variables, and warns about hostPath with the default message', () => {
    const result = evaluatePolicies(set, requestFrom('create-pod-privileged.json'));
    assert.equal(result.allowed, false);
    assert.deepEqual(
      result.denials.map((d) => d.message),
      [deny('deny-privileged.palisade.io', 'deny-privileged', 'privileged containers are not allowed: tools, setup')],
    );
    assert.deepEqual(result.warnings, [
      "Validation failed for ValidatingAdmissionPolicy 'no-host-path.palisade.io' with binding 'no-host-path-warn': failed expression: !has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.hostPath))",
    ]);
  });

  it('skips a pod the objectSelector exempts', () => {
    const result = evaluatePolicies(set, requestFrom('create-pod-exempt-privileged.json'));
    assert.deepEqual(result, { allowed: true, denials: [], warnings: [], auditAnnotations: {}, errors: [] });
  });

  it('checks images against the ConfigMap picked by the paramRef selector in the request namespace', () => {
    const result = evaluatePolicies(set, requestFrom('create-pod-foreign-image.json'));
    assert.deepEqual(
      result.denials.map((d) => d.message),
      [
        deny(
          'image-registry.palisade.io',
          'image-registry',
          'images must come from registry.example.com: docker.io/library/nginx:1.27',
        ),
      ],
    );
  });

  it('denies when no parameter object matches and parameterNotFoundAction is Deny', () => {
    const result = evaluatePolicies(set, requestFrom('create-pod-team-b.json'));
    const message =
      'failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction';
    assert.deepEqual(result.denials, [
      {
        policy: 'image-registry.palisade.io',
        binding: 'image-registry',
        message: deny('image-registry.palisade.io', 'image-registry', message),
        reason: 'Invalid',
        code: 422,
      },
    ]);
    assert.deepEqual(result.errors, [
      {
        policy: 'image-registry.palisade.io',
        binding: 'image-registry',
        path: 'spec.paramRef',
        message,
        enforced: true,
      },
    ]);
  });

  it('compares memory limits as quantities (1024Mi passes, 1.5Gi fails)', () => {
    const result = evaluatePolicies(set, requestFrom('create-pod-memory.json'));
    assert.deepEqual(
      result.denials.map((d) => d.message),
      [deny('memory-limit.palisade.io', 'memory-limit', 'memory limits may not exceed 1Gi')],
    );
  });

  it('ignores an evaluation error under failurePolicy Ignore, and reports it', () => {
    const result = evaluatePolicies(set, requestFrom('create-pod-bad-quantity.json'));
    assert.equal(result.allowed, true);
    assert.deepEqual(
      result.errors.map((e) => [
        e.path,
        e.enforced,
        e.message.endsWith('resulted in error: "lots" is not a Kubernetes quantity'),
      ]),
      [['spec.validations[0].expression', false, true]],
    );
  });

  it('skips requests of system users through matchConditions', () => {
    const request = requestFrom('create-pod-memory.json');
    const result = evaluatePolicies(set, {
      ...request,
      userInfo: { username: 'system:serviceaccount:kube-system:job' },
    });
    assert.deepEqual(result.denials, []);
  });

  it('denies a shell through pods/exec (CONNECT, the options object as object)', () => {
    const result = evaluatePolicies(set, requestFrom('exec-pod-shell.json'));
    assert.deepEqual(result.status, {
      code: 403,
      message: deny('no-shell-exec.palisade.io', 'no-shell-exec', 'no shell in container web of pod web-7d4b9c'),
      reason: 'Forbidden',
    });
  });

  it('limits the deployments/scale subresource', () => {
    const result = evaluatePolicies(set, requestFrom('scale-deployment.json'));
    assert.deepEqual(
      result.denials.map((d) => d.message),
      [deny('scale-limit.palisade.io', 'scale-limit', 'failed expression: object.spec.replicas <= 10')],
    );
  });

  it('lets a DELETE through (no policy matches DELETE; object is null)', () => {
    const result = evaluatePolicies(set, requestFrom('delete-pod.json'));
    assert.deepEqual(result, { allowed: true, denials: [], warnings: [], auditAnnotations: {}, errors: [] });
  });
});

function inline(objects: readonly Record<string, unknown>[]): PolicySet {
  const resources: Resource[] = [];
  objects.forEach((object, i) => {
    const { resource } = toResource(object, { file: 'inline.yaml', line: i + 1 });
    assert.ok(resource);
    resources.push(resource);
  });
  const built = buildPolicySet(resources);
  assert.deepEqual(built.diagnostics, []);
  return built.value;
}

function policy(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }],
      },
      ...spec,
    },
  };
}

function binding(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { validationActions: ['Deny'], ...spec },
  };
}

const configMapRequest: AdmissionRequest = {
  uid: 'u-1',
  kind: { group: '', version: 'v1', kind: 'ConfigMap' },
  resource: { group: '', version: 'v1', resource: 'configmaps' },
  operation: 'CREATE',
  namespace: 'shop',
  name: 'settings',
  userInfo: { username: 'jane', groups: ['dev'] },
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { size: '3', ratio: '0.5' } },
};

describe('evaluatePolicies semantics', () => {
  it('follows failurePolicy Fail for a runtime error, enforced by the binding actions (Warn)', () => {
    const set = inline([
      policy('p', { validations: [{ expression: 'object.data.missing == "x"' }] }),
      binding('b', { policyName: 'p', validationActions: ['Warn'] }),
    ]);
    const result = evaluatePolicies(set, configMapRequest);
    const message = 'expression \'object.data.missing == "x"\' resulted in error: No such key: missing';
    assert.deepEqual(result.warnings, [
      `Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': ${message}`,
    ]);
    assert.equal(result.allowed, true);
    assert.deepEqual(result.errors, [
      { policy: 'p', binding: 'b', path: 'spec.validations[0].expression', message, enforced: true },
    ]);
  });

  it('evaluates variables lazily: an unused failing variable does no harm, later ones use earlier ones', () => {
    const set = inline([
      policy('p', {
        variables: [
          { name: 'broken', expression: 'object.data.missing' },
          { name: 'size', expression: 'int(object.data.size)' },
          { name: 'double', expression: 'variables.size * 2' },
        ],
        validations: [
          { expression: 'variables.double <= 4', messageExpression: "'double is ' + string(variables.double)" },
        ],
      }),
      binding('b', { policyName: 'p' }),
    ]);
    const result = evaluatePolicies(set, configMapRequest);
    assert.deepEqual(
      result.denials.map((d) => d.message),
      [deny('p', 'b', 'double is 6')],
    );
    assert.deepEqual(result.errors, []);
  });

  it('falls back to message when messageExpression fails or is blank', () => {
    const set = inline([
      policy('p', {
        validations: [
          { expression: 'false', message: 'static', messageExpression: 'object.data.missing' },
          { expression: 'false', messageExpression: "'  '" },
        ],
      }),
      binding('b', { policyName: 'p' }),
    ]);
    const result = evaluatePolicies(set, configMapRequest);
    assert.deepEqual(
      result.denials.map((d) => d.message),
      [deny('p', 'b', 'static'), deny('p', 'b', 'failed expression: false')],
    );
    assert.deepEqual(
      result.errors.map((e) => [e.path, e.enforced]),
      [
        ['spec.validations[0].messageExpression', false],
        ['spec.validations[1].messageExpression', false],
      ],
    );
  });

  it('exposes request, params (by name, Allow when missing) and namespaceObject', () => {
    const objects = [
      policy('p', {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        validations: [
          {
            expression:
              "request.userInfo.username == params.data.user && 'dev' in request.userInfo.groups && namespaceObject.metadata.name == 'shop' && request.operation == 'CREATE' && request.subResource == ''",
          },
        ],
      }),
      binding('b', {
        policyName: 'p',
        paramRef: { name: 'limits', namespace: 'policy', parameterNotFoundAction: 'Allow' },
      }),
    ];
    const withParams = inline([
      ...objects,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'limits', namespace: 'policy' }, data: { user: 'bob' } },
    ]);
    assert.deepEqual(
      evaluatePolicies(withParams, configMapRequest).denials.map((d) => d.message),
      [
        deny(
          'p',
          'b',
          "failed expression: request.userInfo.username == params.data.user && 'dev' in request.userInfo.groups && namespaceObject.metadata.name == 'shop' && request.operation == 'CREATE' && request.subResource == ''",
        ),
      ],
    );
    const withoutParams = inline(objects);
    assert.deepEqual(evaluatePolicies(withoutParams, configMapRequest), {
      allowed: true,
      denials: [],
      warnings: [],
      auditAnnotations: {},
      errors: [],
    });
  });

  it('refuses a paramKind without paramRef as a configuration error unless failurePolicy is Ignore', () => {
    const objects = (failurePolicy: string) => [
      policy('p', {
        failurePolicy,
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        validations: [{ expression: 'true' }],
      }),
      binding('b', { policyName: 'p', validationActions: ['Audit'] }),
    ];
    const fail = evaluatePolicies(inline(objects('Fail')), configMapRequest);
    assert.deepEqual(
      fail.denials.map((d) => d.message),
      [deny('p', 'b', 'failed to configure binding: policy "p" has a paramKind but the binding has no paramRef')],
    );
    const ignore = evaluatePolicies(inline(objects('Ignore')), configMapRequest);
    assert.equal(ignore.allowed, true);
    assert.deepEqual(
      ignore.errors.map((e) => e.enforced),
      [false],
    );
  });

  it('evaluates once per parameter object a selector picks', () => {
    const set = inline([
      policy('p', {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        validations: [{ expression: 'false', messageExpression: "'limit ' + params.metadata.name" }],
      }),
      binding('b', {
        policyName: 'p',
        paramRef: { namespace: 'policy', selector: {}, parameterNotFoundAction: 'Deny' },
      }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one', namespace: 'policy' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two', namespace: 'policy' } },
    ]);
    assert.deepEqual(
      evaluatePolicies(set, configMapRequest).denials.map((d) => d.message),
      [deny('p', 'b', 'limit one'), deny('p', 'b', 'limit two')],
    );
  });

  it('refuses a policy that reads the authorizer, saying why', () => {
    const resource = toResource(
      policy('p', { validations: [{ expression: "authorizer.group('').resource('pods').check('create').allowed()" }] }),
      { file: 'inline.yaml', line: 1 },
    ).resource;
    assert.ok(resource);
    const built = buildPolicySet([resource]);
    assert.equal(built.value.policies.size, 0);
    assert.match(
      built.diagnostics[0]?.message ?? '',
      /spec\.validations\[0\]\.expression: uses the authorizer variable/,
    );
  });
});
