/**
 * The action context of a run: Kubernetes and ARM clients made on first use (a run that only
 * notifies never loads either), HTTP for webhooks, the environment for `env:NAME` parameters.
 */
import { readFileSync } from 'node:fs';
import { type Logger, silentLogger } from '#core';
import { createArmClient } from './arm.ts';
import { createHttpPoster } from './http.ts';
import { createKubeClient } from './kube.ts';
import type { BaseContext } from './runner.ts';
import { ActionError, type ArmClient, type KubeClient } from './types.ts';

export interface ContextOptions {
  /** Kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account). */
  readonly kubeconfig?: string;
  /** Kubeconfig context to use instead of the current one. */
  readonly kubeContext?: string;
  /** ARM endpoint (default https://management.azure.com; sovereign clouds have their own). */
  readonly armEndpoint?: string;
  /** Extra CA bundle (PEM file) trusted for ARM and webhooks (a TLS-inspecting proxy, a private endpoint). */
  readonly caFile?: string;
  readonly logger?: Logger;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => Date;
}

export function createActionContext(options: ContextOptions = {}): BaseContext {
  let kube: Promise<KubeClient> | undefined;
  let arm: ArmClient | undefined;
  let ca: Buffer | undefined;
  if (options.caFile !== undefined) {
    try {
      ca = readFileSync(options.caFile);
    } catch (error) {
      throw new ActionError(`cannot read the CA file ${options.caFile}: ${(error as Error).message}`);
    }
  }
  return {
    kube() {
      if (kube === undefined) {
        const made = createKubeClient({
          ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
          ...(options.kubeContext === undefined ? {} : { context: options.kubeContext }),
        }).catch((error: unknown) => {
          kube = undefined;
          throw error instanceof ActionError
            ? error
            : new ActionError(
                `no Kubernetes cluster configured: ${error instanceof Error ? error.message : String(error)}`,
              );
        });
        kube = made;
      }
      return kube;
    },
    async arm() {
      arm ??= createArmClient({
        ...(options.armEndpoint === undefined ? {} : { endpoint: options.armEndpoint }),
        ...(ca === undefined ? {} : { ca }),
      });
      return arm;
    },
    http: createHttpPoster(ca === undefined ? {} : { ca }),
    logger: options.logger ?? silentLogger,
    now: options.now ?? (() => new Date()),
    env: options.env ?? process.env,
  };
}
