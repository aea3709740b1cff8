/**
 * The kubeadmin user must be removed once an identity provider works.
 * Reads: whether a Secret "kube-system/kubeadmin" is in the scan (presence only: its data is never
 *   read), whether other Secrets of kube-system are, and the OAuth "cluster" object.
 * Compliant: no Secret kube-system/kubeadmin. The OAuth server accepts the kubeadmin login only
 *   while that Secret exists; deleting it removes the user for good.
 * Absent versus not exported: a scan that holds no Secret of kube-system cannot tell a deleted
 *   kubeadmin Secret from one that was not exported (a must-gather collects no Secrets, and
 *   `oc get namespaces` none either), so:
 *   - Secret kube-system/kubeadmin (target): fail, at metadata.name;
 *   - OAuth "cluster" (target, one per cluster): not applicable when the kubeadmin Secret is in the
 *     scan (reported on the Secret); pass when other Secrets of kube-system are in the scan and
 *     kubeadmin is not; indeterminate when no Secret of kube-system is in the scan (a Namespace
 *     object alone is no evidence that Secrets were exported).
 * Not applicable: other Secrets; an OAuth not named "cluster".
 * On ARO the kubeadmin password is also returned by `az aro list-credentials` to anyone with that
 *   Azure permission, which makes it a shared, unattributed cluster-admin credential.
 * Source: OpenShift "Removing the kubeadmin user"; Azure Red Hat OpenShift landing zone security
 *   guidance (remove kubeadmin once an identity provider is configured).
 */
import type { Resource } from '#core';
import { type CheckOutcome, defineCheck, indeterminate, notApplicable, outcome, PASS } from '../../../check.ts';

export const KUBEADMIN_NAMESPACE = 'kube-system';
export const KUBEADMIN_SECRET = 'kubeadmin';

export const kubeadminNotRemoved = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0203',
    slug: 'kubeadmin-not-removed',
    title: 'The kubeadmin user has not been removed',
    description:
      'kubeadmin is a cluster-admin login with a single static password, shared by whoever installed or can read the cluster credentials, and its actions are not attributable to a person. Once an identity provider works, it should be deleted.',
    severity: 'high',
    maturity: 'stable',
    targets: [
      { kind: 'Secret', apiGroup: '' },
      { kind: 'OAuth', apiGroup: 'config.openshift.io' },
    ],
    scope: 'cluster',
    admission: false,
    securityControl: 'manage-access-and-permissions',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-IAM-2' },
      { framework: 'mcsb-v1', control: 'PA-1' },
      { framework: 'mcsb-v1', control: 'IM-1' },
    ],
    remediation: {
      summary:
        'After an identity provider works and a user of it holds cluster-admin, delete the kubeadmin Secret from kube-system.',
      steps: [
        'Log in through the identity provider with a user that holds cluster-admin (for example through a group bound to cluster-admin) and check it: oc auth can-i "*" "*" --all-namespaces',
        'Delete the kubeadmin Secret with the command below. This cannot be undone; on ARO, az aro get-admin-kubeconfig remains a break-glass path.',
      ],
      command: 'oc delete secrets kubeadmin -n kube-system',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/authentication/remove-kubeadmin.html',
      'https://learn.microsoft.com/azure/cloud-adoption-framework/scenarios/app-platform/azure-red-hat-openshift/security',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    if (resource.kind === 'Secret') {
      if (resource.namespace !== KUBEADMIN_NAMESPACE || resource.name !== KUBEADMIN_SECRET) {
        return notApplicable('not the kubeadmin Secret (kube-system/kubeadmin)');
      }
      return outcome([
        {
          path: 'metadata.name',
          message:
            'Secret "kube-system/kubeadmin" exists, so the kubeadmin user can still log in with cluster-admin rights and a static password',
        },
      ]);
    }
    if (resource.name !== 'cluster') {
      return notApplicable('only the OAuth named "cluster" configures the OAuth server');
    }
    const secrets = ctx.inventory.ofKind('Secret', '').filter((s) => s.namespace === KUBEADMIN_NAMESPACE);
    if (secrets.some((s) => s.name === KUBEADMIN_SECRET)) {
      return notApplicable('the kubeadmin Secret is in the scan and is reported on Secret "kube-system/kubeadmin"');
    }
    if (secrets.length === 0) {
      return indeterminate(
        "the scan holds no Secret of kube-system, so a removed kubeadmin Secret cannot be told from one that was not exported; export them without their data: oc get secrets -n kube-system -o json | jq 'del(.items[].data)' (the check reads only names)",
      );
    }
    return PASS;
  },
});
