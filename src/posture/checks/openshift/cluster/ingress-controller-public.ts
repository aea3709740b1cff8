/**
 * The default ingress controller must not be published on a public load balancer.
 * Reads: IngressController "openshift-ingress-operator/default" (operator.openshift.io/v1)
 *   spec.endpointPublishingStrategy.{type,loadBalancer.scope} and the same fields under status
 *   (what the operator applied); the Infrastructure "cluster" (config.openshift.io/v1)
 *   status.platformStatus.type (or status.platform) when neither is set.
 * Compliant: type LoadBalancerService with loadBalancer.scope Internal (an Azure internal load
 *   balancer), or type Private (not published). HostNetwork and NodePortService create no cloud load
 *   balancer; their exposure depends on the nodes and any load balancer in front of them, outside
 *   this object: they pass here (ARO uses LoadBalancerService).
 * Absent: the strategy is read from spec, else from status. When both are unset the operator's
 *   default applies, which depends on the platform: LoadBalancerService with External scope on
 *   Azure (openshift/api operator/v1 IngressControllerSpec), so it fails when the Infrastructure
 *   object says Azure and is indeterminate when the scan does not show the platform. A
 *   LoadBalancerService without loadBalancer.scope gets External.
 * Pending change: spec Internal while status still reports External (the router Service was not
 *   recreated yet) fails on the status.
 * On ARO this mirrors the ingress profile visibility of the ARM resource (Private or Public), which
 *   the ARO-resource checks read.
 * Not applicable: IngressControllers other than openshift-ingress-operator/default (sharded
 *   controllers may be public on purpose).
 * Source: OpenShift "Configuring the Ingress Controller endpoint publishing scope to Internal";
 *   openshift/api operator/v1 types_ingress.go (EndpointPublishingStrategy, LoadBalancerStrategy).
 */
import { z } from 'zod';
import type { Resource } from '#core';
import {
  type CheckContext,
  type CheckOutcome,
  defineCheck,
  indeterminate,
  notApplicable,
  outcome,
} from '../../../check.ts';
import { parseObject } from '../../../lib/object.ts';

const INGRESS_OPERATOR_NAMESPACE = 'openshift-ingress-operator';

const Strategy = z
  .looseObject({
    type: z.string().nullish(),
    loadBalancer: z.looseObject({ scope: z.string().nullish() }).nullish(),
  })
  .nullish();

const IngressControllerSchema = z.looseObject({
  spec: z.looseObject({ endpointPublishingStrategy: Strategy }).nullish(),
  status: z.looseObject({ endpointPublishingStrategy: Strategy }).nullish(),
});

const InfrastructureSchema = z.looseObject({
  status: z
    .looseObject({
      platform: z.string().nullish(),
      platformStatus: z.looseObject({ type: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

function platformOf(ctx: CheckContext): string | undefined {
  const infrastructure = ctx.inventory
    .ofKind('Infrastructure', 'config.openshift.io')
    .find((r) => r.name === 'cluster');
  if (!infrastructure) {
    return undefined;
  }
  const status = parseObject(InfrastructureSchema, infrastructure).status;
  return status?.platformStatus?.type || status?.platform || undefined;
}

type StrategyValue = z.infer<typeof Strategy>;

/** The scope a LoadBalancerService strategy gets: its loadBalancer.scope, External when unset. */
function scopeOf(strategy: NonNullable<StrategyValue>): string {
  return strategy.loadBalancer?.scope || 'External';
}

export const ingressControllerPublic = defineCheck<Resource>({
  meta: {
    id: 'PAL-OCP-0210',
    slug: 'ingress-controller-public',
    title: 'Default ingress controller is published on a public load balancer',
    description:
      'With External scope the default router gets a public IP, so every Route of the cluster, including the console and OAuth endpoints, can be reached from the internet. Landing zone clusters publish ingress on an internal load balancer and expose selected applications through Application Gateway or Front Door with a WAF.',
    severity: 'medium',
    maturity: 'stable',
    targets: [{ kind: 'IngressController', apiGroup: 'operator.openshift.io' }],
    scope: 'cluster',
    admission: false,
    securityControl: 'restrict-unauthorized-network-access',
    frameworks: [
      { framework: 'aro-landing-zone', control: 'ARO-NET-2' },
      { framework: 'mcsb-v1', control: 'NS-2' },
    ],
    remediation: {
      summary:
        'Publish the default ingress controller on an internal load balancer (endpointPublishingStrategy LoadBalancerService with scope Internal) and expose public applications through a WAF.',
      steps: [
        'Apply the patch with the command below.',
        'If the Progressing condition of the IngressController asks for it, recreate the router Service: oc -n openshift-ingress delete services/router-default',
        'Check that the router Service has a private IP: oc -n openshift-ingress get service router-default',
      ],
      command:
        'oc -n openshift-ingress-operator patch ingresscontrollers/default --type=merge --patch=\'{"spec":{"endpointPublishingStrategy":{"type":"LoadBalancerService","loadBalancer":{"scope":"Internal"}}}}\'',
      kubernetesPatch:
        'spec:\n  endpointPublishingStrategy:\n    type: LoadBalancerService\n    loadBalancer:\n      scope: Internal\n',
    },
    references: [
      'https://docs.openshift.com/container-platform/latest/networking/ingress-operator.html',
      'https://learn.microsoft.com/azure/openshift/howto-create-private-cluster-4x',
    ],
  },
  evaluate(resource, ctx): CheckOutcome {
    if (resource.namespace !== INGRESS_OPERATOR_NAMESPACE || resource.name !== 'default') {
      return notApplicable(
        'only the default IngressController (openshift-ingress-operator/default) is judged; sharded controllers may be public on purpose',
      );
    }
    const { spec, status } = parseObject(IngressControllerSchema, resource);
    const desired = spec?.endpointPublishingStrategy;
    const applied = status?.endpointPublishingStrategy;
    const [strategy, base] = desired
      ? [desired, 'spec.endpointPublishingStrategy']
      : [applied, 'status.endpointPublishingStrategy'];
    if (!strategy) {
      const platform = platformOf(ctx);
      if (platform === undefined) {
        return indeterminate(
          'spec and status set no endpointPublishingStrategy, and the default depends on the platform, which the scan does not show; export it with oc get infrastructure.config.openshift.io cluster -o yaml',
        );
      }
      if (platform !== 'Azure') {
        return notApplicable(`the cluster runs on platform ${platform}; this check judges Azure load balancers`);
      }
      return outcome([
        {
          path: 'spec.endpointPublishingStrategy',
          message:
            'spec.endpointPublishingStrategy is not set, so on Azure the router is published on a LoadBalancerService with External scope, a public IP',
        },
      ]);
    }
    if (strategy.type !== 'LoadBalancerService') {
      return outcome([]);
    }
    const scope = scopeOf(strategy);
    if (scope !== 'Internal') {
      return outcome([
        {
          path: `${base}.loadBalancer.scope`,
          message: `${base}.loadBalancer.scope is ${strategy.loadBalancer?.scope ? scope : 'not set (External)'}, so the router is published on a public Azure load balancer`,
          actual: scope,
        },
      ]);
    }
    if (desired && applied?.type === 'LoadBalancerService' && scopeOf(applied) !== 'Internal') {
      return outcome([
        {
          path: 'status.endpointPublishingStrategy.loadBalancer.scope',
          message:
            'spec asks for scope Internal but status.endpointPublishingStrategy.loadBalancer.scope is still External: the router Service has not been recreated, so the public load balancer is still in place',
          actual: scopeOf(applied),
        },
      ]);
    }
    return outcome([]);
  },
});
