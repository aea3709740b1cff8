import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type Finding, silentLogger } from '#core';
import { checkRegistry } from '#posture';
import { type ArmApi, type JsonObject, startArmApi } from '#test/helpers/arm-api.ts';
import { runCheckOn } from '#test/helpers/fixtures.ts';
import { makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { createArmClient } from '../../arm.ts';
import { createHttpPoster } from '../../http.ts';
import { subjectFromFinding } from '../../subject.ts';
import { type ActionContext, ActionError, type ActionOutcome, type ArmClient } from '../../types.ts';
import { applyRemediation, renderCheckPatch } from './apply-remediation.ts';

const SUB = '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b';
const ID = `${SUB}/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/stweb`;
const COSMOS = `${SUB}/resourceGroups/rg-catalog/providers/Microsoft.DocumentDB/databaseAccounts/cosmos1`;
const VAULT = `${SUB}/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-prod`;
const ARO = `${SUB}/resourceGroups/rg-aro/providers/Microsoft.RedHatOpenShift/openShiftClusters/aro-prod`;
const PATCH = { properties: { allowBlobPublicAccess: false } };

function storageAccount(properties: JsonObject): JsonObject {
  return {
    id: ID,
    name: 'stweb',
    type: 'Microsoft.Storage/storageAccounts',
    location: 'westeurope',
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    properties: { provisioningState: 'Succeeded', minimumTlsVersion: 'TLS1_2', ...properties },
  };
}

function keyVault(properties: JsonObject): JsonObject {
  return {
    id: VAULT,
    name: 'kv-prod',
    type: 'Microsoft.KeyVault/vaults',
    location: 'westeurope',
    properties: {
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      sku: { family: 'A', name: 'standard' },
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      ...properties,
    },
  };
}

/** The failed finding of a real check on a resource, as `palisade scan` reports it from an export. */
function findingOf(checkId: string, resource: JsonObject): Finding {
  const check = checkRegistry.get(checkId);
  assert.ok(check, checkId);
  const [finding] = runCheckOn(check, JSON.stringify(resource), undefined, 'export.json');
  assert.equal(finding?.status, 'fail', `${checkId} fails on the resource`);
  return finding;
}

describe('azure:apply-remediation', { skip: OPENSSL_SKIP }, () => {
  let dir: string;
  let api: ArmApi;
  let arm: ArmClient;
  let ctx: ActionContext;
  const savedEnv: Record<string, string | undefined> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-remediate-'));
    makeServingCerts(dir, ['arm']);
    api = await startArmApi(dir);
    for (const key of Object.keys(process.env)) {
      if (/^(AZURE_|MSI_|IDENTITY_|IMDS_)/.test(key)) {
        savedEnv[key] = process.env[key];
        delete process.env[key];
      }
    }
    for (const [key, value] of Object.entries(api.identityEnv())) {
      savedEnv[key] = process.env[key];
      process.env[key] = value;
    }
    // The real DefaultAzureCredential, through the managed-identity endpoint of the test server.
    arm = createArmClient({ endpoint: api.url, ca: api.ca, pollIntervalMs: 5, timeoutMs: 5000 });
    ctx = {
      kube: () => Promise.reject(new ActionError('no cluster in this test')),
      arm: async () => arm,
      http: createHttpPoster(),
      logger: silentLogger,
      now: () => new Date('2025-06-01T12:00:00Z'),
      env: {},
      runId: 'run-test',
    };
  });

  after(async () => {
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    api.calls.length = 0;
    api.resetFailures();
  });

  function run(
    finding: Finding,
    dryRun: boolean,
    params: { apiVersion?: string } = {},
    retry: { attempt: number; state: Record<string, unknown> } = { attempt: 1, state: {} },
  ): Promise<ActionOutcome> {
    const subject = subjectFromFinding(finding);
    return applyRemediation.run(
      {
        params: applyRemediation.params.parse(params),
        subject,
        target: subject.target,
        rule: 'fix-storage',
        dryRun,
        attempt: retry.attempt,
        state: retry.state,
      },
      ctx,
    );
  }

  function undo(outcome: ActionOutcome, dryRun = false): Promise<ActionOutcome> {
    assert.ok(outcome.undo && applyRemediation.undo);
    const id = String(outcome.undo.id);
    return applyRemediation.undo(
      {
        data: outcome.undo,
        target: {
          type: 'azure',
          id,
          resourceType: id === VAULT ? 'Microsoft.KeyVault/vaults' : 'Microsoft.Storage/storageAccounts',
        },
        dryRun,
      },
      ctx,
    );
  }

  const calls = () =>
    api.calls.map((c) => ({ method: c.method, path: c.path, apiVersion: c.apiVersion, body: c.body }));

  it('plans the exact PATCH in dry-run, reading only', async () => {
    api.put(storageAccount({ allowBlobPublicAccess: true }));
    const finding = findingOf('PAL-AZR-0103', storageAccount({ allowBlobPublicAccess: true }));
    assert.deepEqual(await run(finding, true), {
      result: 'planned',
      reason: `would PATCH ${ID}?api-version=2023-05-01 with {"properties":{"allowBlobPublicAccess":false}}, setting properties.allowBlobPublicAccess to false (was true) (check PAL-AZR-0103: Disallow anonymous (public) blob access on the storage account.)`,
    });
    assert.deepEqual(calls(), [{ method: 'GET', path: ID, apiVersion: '2023-05-01', body: undefined }]);
    assert.equal((api.resource(ID)?.properties as JsonObject | undefined)?.allowBlobPublicAccess, true);
  });

  it('applies the patch, then skips as compliant, and undo restores the previous value', async () => {
    api.put(storageAccount({ allowBlobPublicAccess: true }));
    const finding = findingOf('PAL-AZR-0103', storageAccount({ allowBlobPublicAccess: true }));
    const applied = await run(finding, false);
    assert.deepEqual(applied, {
      result: 'applied',
      reason: `patched ${ID} (api-version 2023-05-01): properties.allowBlobPublicAccess to false (was true), the fix of check PAL-AZR-0103 "Storage account allows anonymous blob access"`,
      undo: {
        id: ID,
        apiVersion: '2023-05-01',
        patch: PATCH,
        restore: { properties: { allowBlobPublicAccess: true } },
      },
    });
    assert.deepEqual(api.resource(ID), storageAccount({ allowBlobPublicAccess: false }));
    assert.deepEqual(calls(), [
      { method: 'GET', path: ID, apiVersion: '2023-05-01', body: undefined },
      { method: 'PATCH', path: ID, apiVersion: '2023-05-01', body: PATCH },
    ]);

    api.calls.length = 0;
    assert.deepEqual(await run(finding, false), {
      result: 'skipped',
      reason: `${ID} already has properties.allowBlobPublicAccess=false: the fix of check PAL-AZR-0103 is in place`,
    });
    assert.deepEqual(
      calls().map((c) => c.method),
      ['GET'],
    );

    assert.deepEqual(await undo(applied, true), {
      result: 'planned',
      reason: `would PATCH ${ID}?api-version=2023-05-01 with {"properties":{"allowBlobPublicAccess":true}}, putting back properties.allowBlobPublicAccess to true (was false)`,
    });
    assert.deepEqual(await undo(applied), {
      result: 'applied',
      reason: `restored ${ID} (api-version 2023-05-01): properties.allowBlobPublicAccess to true (was false)`,
    });
    assert.deepEqual(api.resource(ID), storageAccount({ allowBlobPublicAccess: true }));
  });

  it('restores a value that was absent with null, and skips undo after a later change', async () => {
    api.put(storageAccount({}));
    const finding = findingOf('PAL-AZR-0103', storageAccount({}));
    const applied = await run(finding, false);
    assert.equal(applied.result, 'applied');
    assert.deepEqual(applied.undo?.restore, { properties: { allowBlobPublicAccess: null } });
    assert.match(applied.reason, /properties\.allowBlobPublicAccess to false \(was absent\)/);
    assert.deepEqual(await undo(applied), {
      result: 'applied',
      reason: `restored ${ID} (api-version 2023-05-01): removed properties.allowBlobPublicAccess (was false)`,
    });
    assert.deepEqual(api.resource(ID), storageAccount({}));

    // Someone changes the account after the remediation: undo keeps their change.
    const again = await run(finding, false);
    api.put(storageAccount({ allowBlobPublicAccess: true, minimumTlsVersion: 'TLS1_0' }));
    api.calls.length = 0;
    assert.deepEqual(await undo(again), {
      result: 'skipped',
      reason: `${ID} changed since the remediation (properties.allowBlobPublicAccess is now true, not false): not restored, to keep the later change`,
    });
    assert.deepEqual(
      calls().map((c) => c.method),
      ['GET'],
    );
  });

  it('follows a long-running PATCH and honours an api-version override', async () => {
    api.put(storageAccount({ allowBlobPublicAccess: true }));
    api.asyncPatch(ID, { via: 'azure-asyncoperation', polls: 1 });
    const finding = findingOf('PAL-AZR-0103', storageAccount({ allowBlobPublicAccess: true }));
    const applied = await run(finding, false, { apiVersion: '2024-01-01' });
    assert.equal(applied.result, 'applied');
    assert.equal(applied.undo?.apiVersion, '2024-01-01');
    assert.ok(api.calls.every((c) => c.apiVersion === '2024-01-01'));
    assert.deepEqual(api.resource(ID), storageAccount({ allowBlobPublicAccess: false }));
  });

  it('skips checks without an ARM patch, pointing to the manual fix, without calling ARM', async () => {
    const resource = storageAccount({ networkAcls: { defaultAction: 'Allow' }, publicNetworkAccess: 'Enabled' });
    api.put(resource);
    const finding = findingOf('PAL-AZR-0105', resource);
    assert.deepEqual(await run(finding, false), {
      result: 'skipped',
      reason: `check PAL-AZR-0105 has no ARM patch; fix it by hand: ${finding.remediation.summary}`,
    });
    assert.deepEqual(api.calls, []);
  });

  it('skips a patch that still holds a placeholder for people to fill in', async () => {
    const cosmos = {
      id: COSMOS,
      name: 'cosmos1',
      type: 'Microsoft.DocumentDB/databaseAccounts',
      properties: { publicNetworkAccess: 'Enabled', ipRules: [{ ipAddressOrRange: '0.0.0.0' }] },
    };
    api.put(cosmos);
    const finding = findingOf('PAL-AZR-0163', cosmos);
    const outcome = await run(finding, false);
    assert.equal(outcome.result, 'skipped');
    assert.equal(
      outcome.reason,
      `the ARM patch of check PAL-AZR-0163 for ${COSMOS} still holds the placeholder <allowed-ip-or-cidr>; fill it in and apply it by hand: ${finding.remediation.armPatch}`,
    );
    assert.deepEqual(api.calls, []);
  });

  it('takes the patch from the check, never from the finding: a patch the check does not give is refused', async () => {
    api.put(storageAccount({ allowBlobPublicAccess: true }));
    const finding = findingOf('PAL-AZR-0103', storageAccount({ allowBlobPublicAccess: true }));
    const injected = '{"properties":{"allowBlobPublicAccess":true,"networkAcls":{"defaultAction":"Allow"}}}';
    const forged = { ...finding, remediation: { ...finding.remediation, armPatch: injected } };
    assert.deepEqual(await run(forged, false), {
      result: 'skipped',
      reason: `the ARM patch in the input (${injected}) is not the one check PAL-AZR-0103 gives for ${ID} ({"properties":{"allowBlobPublicAccess":false}}): the input's patch is refused and nothing is applied`,
    });
    assert.deepEqual(api.calls, []);

    // The same patch written differently is the check's; the input's api-version is not used.
    const respaced = {
      ...finding,
      remediation: {
        ...finding.remediation,
        armPatch: '{ "properties": { "allowBlobPublicAccess": false } }',
        armApiVersion: '2099-01-01',
      },
    };
    assert.equal((await run(respaced, true)).result, 'planned');
    assert.deepEqual(calls(), [{ method: 'GET', path: ID, apiVersion: '2023-05-01', body: undefined }]);
    // A finding that carries no patch at all still gets the check's.
    const { armPatch: _patch, armApiVersion: _version, ...bare } = finding.remediation;
    assert.equal((await run({ ...finding, remediation: bare }, false)).result, 'applied');
    assert.deepEqual(api.resource(ID), storageAccount({ allowBlobPublicAccess: false }));
  });

  it('applies nothing for a check without an ARM patch, or an unknown check, whatever patch the input carries', async () => {
    const cluster = {
      id: ARO,
      name: 'aro-prod',
      type: 'Microsoft.RedHatOpenShift/openShiftClusters',
      location: 'westeurope',
      properties: { ingressProfiles: [{ name: 'default', visibility: 'Public' }] },
    };
    api.put(cluster);
    const aro = findingOf('PAL-ARO-0002', cluster);
    const injected = '{"properties":{"networkAcls":{"defaultAction":"Allow"}}}';
    const forged = { ...aro, remediation: { ...aro.remediation, armPatch: injected, armApiVersion: '2023-11-22' } };
    assert.deepEqual(await run(forged, false), {
      result: 'skipped',
      reason: `check PAL-ARO-0002 has no ARM patch, so the ARM patch in the input (${injected}) is not the check's and is ignored; fix it by hand: ${aro.remediation.summary}`,
    });

    api.put(storageAccount({ allowBlobPublicAccess: true }));
    const finding = findingOf('PAL-AZR-0103', storageAccount({ allowBlobPublicAccess: true }));
    assert.deepEqual(await run({ ...finding, checkId: 'PAL-AZR-9999' }, false), {
      result: 'skipped',
      reason: `PAL-AZR-9999 is not a Palisade check: there is no ARM patch to apply to ${ID} (the input's patch, if any, is never applied)`,
    });
    assert.deepEqual(api.calls, []);
  });

  it('refuses a target whose type the check does not address', async () => {
    api.put(keyVault({}));
    // A storage check's finding pointed at a Key Vault id.
    const finding = findingOf('PAL-AZR-0103', { ...storageAccount({ allowBlobPublicAccess: true }), id: VAULT });
    assert.deepEqual(await run(finding, false), {
      result: 'skipped',
      reason: `${VAULT} is a Microsoft.KeyVault/vaults, not a type check PAL-AZR-0103 addresses (Microsoft.Storage/storageAccounts): its ARM patch is not applied`,
    });
    assert.deepEqual(api.calls, []);
    assert.deepEqual(api.resource(VAULT), keyVault({}));
  });

  it('reports a retried step whose PATCH took effect as applied, with the undo noted before the write', async () => {
    api.put(storageAccount({ allowBlobPublicAccess: true }));
    // The change is made, but the poll that would report it fails: the runner retries the step.
    api.asyncPatch(ID, { via: 'azure-asyncoperation', polls: 0, finalPollStatus: 503 });
    const finding = findingOf('PAL-AZR-0103', storageAccount({ allowBlobPublicAccess: true }));
    const state: Record<string, unknown> = {};
    await assert.rejects(run(finding, false, {}, { attempt: 1, state }), {
      name: 'ActionError',
      transient: true,
      status: 503,
    });
    assert.deepEqual(api.resource(ID), storageAccount({ allowBlobPublicAccess: false }));

    api.calls.length = 0;
    const retried = await run(finding, false, {}, { attempt: 2, state });
    assert.deepEqual(retried, {
      result: 'applied',
      reason: `patched ${ID} (api-version 2023-05-01): properties.allowBlobPublicAccess to false (was true), the fix of check PAL-AZR-0103 "Storage account allows anonymous blob access" (the earlier attempt's change took effect before it failed; attempt 2 found it in place)`,
      undo: {
        id: ID,
        apiVersion: '2023-05-01',
        patch: PATCH,
        restore: { properties: { allowBlobPublicAccess: true } },
      },
    });
    assert.deepEqual(
      calls().map((c) => c.method),
      ['GET'],
    );
    assert.equal((await undo(retried)).result, 'applied');
    assert.deepEqual(api.resource(ID), storageAccount({ allowBlobPublicAccess: true }));

    // Another step (fresh state) that finds the fix in place did nothing: skipped.
    await run(finding, false);
    assert.equal((await run(finding, false, {}, { attempt: 2, state: {} })).result, 'skipped');
  });

  it('fails the undo when the provider ignores null and keeps the value the remediation set', async () => {
    api.ignoreNulls('Microsoft.Storage/storageAccounts');
    api.put(storageAccount({}));
    const finding = findingOf('PAL-AZR-0103', storageAccount({}));
    const applied = await run(finding, false);
    assert.deepEqual(applied.undo?.restore, { properties: { allowBlobPublicAccess: null } });
    await assert.rejects(undo(applied), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(error.transient, false);
      assert.equal(
        error.message,
        `PATCH ${ID}?api-version=2023-05-01 with {"properties":{"allowBlobPublicAccess":null}} was accepted, but Azure kept properties.allowBlobPublicAccess=false: the resource provider ignores null in a PATCH, so a value that was absent before the remediation cannot be removed this way. Restore it by hand: set the value the resource should have (absent before, it had the provider's default), e.g. az resource update --ids ${ID} --api-version 2023-05-01 --set properties.allowBlobPublicAccess=<value>`,
      );
      return true;
    });
    assert.deepEqual(api.resource(ID), storageAccount({ allowBlobPublicAccess: false }));
  });

  it('records no undo for Key Vault purge protection, which Azure does not allow reversing', async () => {
    api.put(keyVault({}));
    const finding = findingOf('PAL-AZR-0122', keyVault({}));
    assert.deepEqual(await run(finding, true), {
      result: 'planned',
      reason: `would PATCH ${VAULT}?api-version=2026-02-01 with {"properties":{"enablePurgeProtection":true}}, setting properties.enablePurgeProtection to true (was absent) (check PAL-AZR-0122: ${finding.remediation.summary}); it could not be undone: Azure does not allow reversing it (Key Vault purge protection cannot be turned off once enabled)`,
    });
    const applied = await run(finding, false);
    assert.deepEqual(applied, {
      result: 'applied',
      reason: `patched ${VAULT} (api-version 2026-02-01): properties.enablePurgeProtection to true (was absent), the fix of check PAL-AZR-0122 "${finding.title}"; no undo is recorded: Azure does not allow reversing it (Key Vault purge protection cannot be turned off once enabled)`,
    });
    assert.deepEqual(api.resource(VAULT), keyVault({ enablePurgeProtection: true }));

    // Undo data recorded by an earlier version is refused without calling ARM.
    api.calls.length = 0;
    const old = {
      result: 'applied' as const,
      reason: '',
      undo: {
        id: VAULT,
        apiVersion: '2026-02-01',
        patch: { properties: { enablePurgeProtection: true } },
        restore: { properties: { enablePurgeProtection: null } },
      },
    };
    assert.deepEqual(await undo(old), {
      result: 'skipped',
      reason: `${VAULT} not restored: Azure does not allow reversing {"properties":{"enablePurgeProtection":true}} (Key Vault purge protection cannot be turned off once enabled)`,
    });
    assert.deepEqual(api.calls, []);
  });

  it('skips a resource that no longer exists, and template resources that have no id', async () => {
    const gone = storageAccount({ allowBlobPublicAccess: true });
    gone.id = `${ID}gone`;
    const finding = findingOf('PAL-AZR-0103', gone);
    assert.deepEqual(await run(finding, false), {
      result: 'skipped',
      reason: `${ID}gone no longer exists (GET answered 404): nothing to remediate for check PAL-AZR-0103`,
    });

    const check = checkRegistry.get('PAL-AZR-0103');
    assert.ok(check);
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2023-05-01',
          name: 'sttemplate',
          location: 'westeurope',
          kind: 'StorageV2',
          sku: { name: 'Standard_LRS' },
          properties: { allowBlobPublicAccess: true },
        },
      ],
    };
    const [fromTemplate] = runCheckOn(check, JSON.stringify(template), undefined, 'main.json');
    assert.equal(fromTemplate?.status, 'fail');
    const outcome = await run(fromTemplate, false);
    assert.deepEqual(outcome, {
      result: 'skipped',
      reason:
        'Microsoft.Storage/storageAccounts "sttemplate" from a template (not deployed: no resource id): there is no Azure resource to PATCH for check PAL-AZR-0103; fix the template: Disallow anonymous (public) blob access on the storage account.',
    });
    assert.deepEqual(
      api.calls.map((c) => c.method),
      ['GET'],
    );
  });

  it('fails without retry when ARM denies the write (403)', async () => {
    api.put(storageAccount({ allowBlobPublicAccess: true }));
    api.deny(ID, 'write');
    const finding = findingOf('PAL-AZR-0103', storageAccount({ allowBlobPublicAccess: true }));
    await assert.rejects(run(finding, false), (error: unknown) => {
      assert.ok(error instanceof ActionError);
      assert.equal(error.transient, false);
      assert.equal(error.status, 403);
      assert.match(
        error.message,
        /^PATCH \/subscriptions\/.+\/stweb: HTTP 403: AuthorizationFailed: The client .* does not have authorization to perform action 'Microsoft\.Storage\/storageAccounts\/write'/,
      );
      return true;
    });
    assert.equal((api.resource(ID)?.properties as JsonObject | undefined)?.allowBlobPublicAccess, true);
  });

  it('retries throttled writes: 429 is a transient failure with its Retry-After', async () => {
    api.put(storageAccount({ allowBlobPublicAccess: true }));
    const finding = findingOf('PAL-AZR-0103', storageAccount({ allowBlobPublicAccess: true }));
    api.throttleNext(1, 3);
    await assert.rejects(run(finding, false), { name: 'ActionError', transient: true, retryAfterMs: 3000 });
  });
});

describe('azure:apply-remediation metadata', () => {
  it('validates its parameters', () => {
    assert.deepEqual(applyRemediation.params.parse({}), {});
    assert.deepEqual(applyRemediation.params.parse({ apiVersion: '2024-01-01-preview' }), {
      apiVersion: '2024-01-01-preview',
    });
    const bad = applyRemediation.params.safeParse({ apiVersion: 'latest' });
    assert.equal(bad.success, false);
    assert.match(bad.error?.issues[0]?.message ?? '', /YYYY-MM-DD/);
    assert.equal(applyRemediation.params.safeParse({ patch: '{}' }).success, false);
  });

  it('is disruptive and needs exact read and write on the types a check can patch, never a wildcard', () => {
    assert.equal(applyRemediation.meta.disruptive, true);
    assert.match(applyRemediation.meta.description, /Disruptive: disabling public network access or shared keys/);
    const everyType = [
      'Microsoft.Compute/virtualMachines',
      'Microsoft.ContainerRegistry/registries',
      'Microsoft.DocumentDB/databaseAccounts',
      'Microsoft.KeyVault/vaults',
      'Microsoft.Sql/servers',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.Web/sites',
    ];
    const exact = { azure: everyType.flatMap((t) => [`${t}/read`, `${t}/write`]) };
    assert.deepEqual(applyRemediation.meta.permissions, exact);
    assert.ok(applyRemediation.permissionsFor);
    assert.deepEqual(applyRemediation.permissionsFor({}, { azureTypes: [] }), exact);
    assert.deepEqual(
      applyRemediation.permissionsFor(
        {},
        {
          azureTypes: [
            'microsoft.storage/storageaccounts',
            'Microsoft.KeyVault/vaults',
            '*',
            'Microsoft.Authorization/roleAssignments',
          ],
        },
      ),
      {
        azure: [
          'Microsoft.Storage/storageAccounts/read',
          'Microsoft.Storage/storageAccounts/write',
          'Microsoft.KeyVault/vaults/read',
          'Microsoft.KeyVault/vaults/write',
        ],
      },
    );
    assert.deepEqual(applyRemediation.permissionsFor({}, { azureTypes: ['*'] }), { azure: [] });
    const every = JSON.stringify(applyRemediation.meta.permissions);
    assert.ok(!every.includes('*') && !every.includes('Microsoft.Authorization'), every);
  });

  it('fills in the check placeholders from the ARM id, in the parsed patch', () => {
    const db = `${SUB}/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-1/databases/db-"x"`;
    assert.deepEqual(
      renderCheckPatch(
        '{"properties":{"n":"{name}","p":"{parentName}","g":"{resourceGroup}","s":"{subscriptionId}","i":"{id}"},"tags":{"{name}":"x"}}',
        db,
      ),
      {
        properties: {
          n: 'db-"x"',
          p: 'sql-1',
          g: 'rg-data',
          s: '3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b',
          i: db,
        },
        tags: { 'db-"x"': 'x' },
      },
    );
    // No resource group or parent in the id: the placeholders stay (and the action skips).
    assert.deepEqual(
      renderCheckPatch(
        '{"a":"{resourceGroup}","b":"{parentName}","c":"{name}"}',
        `${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`,
      ),
      { a: '{resourceGroup}', b: '{parentName}', c: 'VirtualMachines' },
    );
    assert.equal(renderCheckPatch('{"a":"{name}"}', '/not/an/arm/id'), undefined);
  });
});
