import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, REPO } from '#test/helpers/cli.ts';

const FIX = join(REPO, 'test/fixtures/admission');
const REVIEW = join(FIX, 'reviews/create-deployment.json');
const OBJECTS = join(FIX, 'objects/shop.yaml');

interface Response {
  readonly apiVersion: string;
  readonly kind: string;
  readonly response: {
    readonly uid: string;
    readonly allowed: boolean;
    readonly status?: { code: number; message: string };
    readonly warnings?: string[];
  };
}

describe('palisade admission review', () => {
  it('prints the AdmissionReview response of a review and exits 1 when it is denied', async () => {
    const r = await cli(['admission', 'review', REVIEW, '--namespace-labels', 'palisade.io/enforce=baseline']);
    assert.equal(r.code, 1, r.err);
    const review = JSON.parse(r.out) as Response;
    assert.equal(review.apiVersion, 'admission.k8s.io/v1');
    assert.equal(review.kind, 'AdmissionReview');
    assert.equal(review.response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
    assert.equal(review.response.allowed, false);
    assert.equal(review.response.status?.code, 403);
    assert.match(review.response.status?.message ?? '', /PAL-K8S-0002 privileged/);
  });

  it('exits 0 when allowed: no labels and no config means privileged', async () => {
    const r = await cli(['admission', 'review', REVIEW]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual((JSON.parse(r.out) as Response).response, {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      allowed: true,
    });
  });

  it('wraps the plain objects of a multi-document YAML as CREATE requests and prints an array, in order', async () => {
    const r = await cli([
      'admission',
      'review',
      OBJECTS,
      '--namespace-labels',
      'pod-security.kubernetes.io/enforce=restricted',
    ]);
    assert.equal(r.code, 1, r.err);
    const reviews = JSON.parse(r.out) as Response[];
    assert.deepEqual(
      reviews.map((x) => x.response.allowed),
      [true, false, true],
    );
    assert.match(
      reviews[1]?.response.status?.message ?? '',
      /^pods "sniffer" is forbidden: violates Palisade policy "restricted:latest": PAL-K8S-0001 host-namespaces/,
    );
    assert.equal(new Set(reviews.map((x) => x.response.uid)).size, 3, 'one uid per request');
  });

  it('reads the modes from the config file and prints a text summary', async () => {
    const r = await cli([
      'admission',
      'review',
      OBJECTS,
      '--config',
      join(FIX, 'objects/admission-config.yaml'),
      '--format',
      'text',
    ]);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.out,
      /shop\.yaml:3 \(document 1\): CREATE Deployment shop\/api: ALLOWED\n {2}enforce baseline:latest: no failures\n {2}warn restricted:latest: no failures/,
    );
    assert.match(
      r.out,
      /CREATE Pod shop\/sniffer: DENIED \(403 Forbidden\)\n {2}enforce baseline:latest: PAL-K8S-0001, PAL-K8S-0002\n {2}warn restricted:latest: PAL-K8S-0001, PAL-K8S-0002, PAL-K8S-0014/,
    );
    assert.match(
      r.out,
      /CREATE ConfigMap shop\/api-settings: ALLOWED\n {2}not evaluated: kind ConfigMap is not a workload/,
    );
  });

  it('--policies evaluates ValidatingAdmissionPolicies beside the checks; a policy that does not load exits 2', async () => {
    const policies = join(FIX, 'vap/policies');
    const denied = await cli(['admission', 'review', REVIEW, '--policies', policies]);
    assert.equal(denied.code, 1, denied.err);
    const review = JSON.parse(denied.out) as Response;
    assert.equal(review.response.allowed, false);
    assert.match(review.response.status?.message ?? '', /ValidatingAdmissionPolicy 'required-labels\.palisade\.io'/);
    const broken = await cli(['admission', 'review', REVIEW, '--policies', policies, join(FIX, 'vap/broken')]);
    assert.equal(broken.code, 2);
    assert.match(
      broken.err,
      /broken\/policies\.yaml:16: ValidatingAdmissionPolicy "broken-syntax\.palisade\.io": spec\.validations\[1\]\.expression: CEL syntax error/,
    );
    assert.equal((JSON.parse(broken.out) as Response).response.allowed, false, 'the policies that loaded still apply');
  });

  it('reads standard input', async () => {
    const r = await cli(['admission', 'review', '-', '--namespace-labels', 'palisade.io/enforce=restricted'], {
      stdin:
        'apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: shop }\nspec:\n  containers: [{ name: c, image: registry.example.com/c:1 }]\n',
    });
    assert.equal(r.code, 1, r.err);
    assert.match((JSON.parse(r.out) as Response).response.status?.message ?? '', /pods "p" is forbidden/);
  });

  it('input, usage and config errors exit 2 naming the file and place', async () => {
    const bad = await cli(['admission', 'review', join(FIX, 'objects/not-an-object.yaml')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /not-an-object\.yaml:5 \(document 2\): neither an AdmissionReview nor a Kubernetes object/);
    const missing = await cli(['admission', 'review', join(FIX, 'objects/nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read .*nope\.yaml/);
    const labels = await cli(['admission', 'review', REVIEW, '--namespace-labels', 'palisade.io/enforce']);
    assert.equal(labels.code, 2);
    assert.match(labels.err, /--namespace-labels: "palisade\.io\/enforce" is not key=value/);
    const config = await cli([
      'admission',
      'review',
      REVIEW,
      '--config',
      join(FIX, 'objects/bad-admission-config.yaml'),
    ]);
    assert.equal(config.code, 2);
    assert.match(config.err, /admission\.defaults\.enforce: unknown level "strict"/);
    const review = await cli(['admission', 'review', '-'], {
      stdin: '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u"}}',
    });
    assert.equal(review.code, 2);
    assert.match(
      review.err,
      /<stdin>:1 \(document 1\): not an admission\.k8s\.io\/v1 AdmissionReview request: request\.kind/,
    );
    const format = await cli(['admission', 'review', REVIEW, '--format', 'yaml']);
    assert.equal(format.code, 2);
  });
});
