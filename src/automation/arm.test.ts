import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CredentialUnavailableError, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { type ArmApi, startArmApi } from '#test/helpers/arm-api.ts';
import { makeServingCerts, OPENSSL_SKIP } from '#test/helpers/tls.ts';
import { ARM_API_VERSION, createArmClient, isArmId } from './arm.ts';
import { sendHttp } from './http.ts';
import { ActionError } from './types.ts';

const SUB = '/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b';
const ACCOUNT = `${SUB}/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/stweb`;
const V = '2023-05-01';

function account(properties: Record<string, unknown>) {
  return {
    id: ACCOUNT,
    name: 'stweb',
    type: 'Microsoft.Storage/storageAccounts',
    location: 'westeurope',
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    tags: { env: 'prod' },
    properties: { provisioningState: 'Succeeded', ...properties },
  };
}

/** Counts getToken calls of a credential. */
function counting(credential: TokenCredential): TokenCredential & { count: number } {
  const wrapper = {
    count: 0,
    getToken: (scopes: string | string[]) => {
      wrapper.count++;
      return credential.getToken(scopes);
    },
  };
  return wrapper;
}

async function rejection(promise: Promise<unknown>): Promise<ActionError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ActionError, `expected an ActionError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('ARM client', { skip: OPENSSL_SKIP }, () => {
  let dir: string;
  let api: ArmApi;
  const savedEnv: Record<string, string | undefined> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-arm-'));
    makeServingCerts(dir, ['arm']);
    api = await startArmApi(dir);
    // DefaultAzureCredential must reach the test token endpoint through managed identity only.
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
  });

  after(async () => {
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    api.put(account({ allowBlobPublicAccess: true, minimumTlsVersion: 'TLS1_0' }));
  });

  afterEach(() => {
    api.calls.length = 0;
    api.setTokenLifetime(3600);
    api.resetFailures();
  });

  const client = (options: Parameters<typeof createArmClient>[0] = {}) =>
    createArmClient({ endpoint: api.url, ca: api.ca, pollIntervalMs: 5, timeoutMs: 5000, ...options });

  // First in the file: MSAL keeps managed-identity tokens process-wide, so only the first token
  // request of the process reaches the token endpoint.
  it('GETs and PATCHes with one managed-identity token for the ARM audience (DefaultAzureCredential)', async () => {
    const credential = counting(new DefaultAzureCredential());
    const arm = client({ credential });
    const resource = await arm.get(ACCOUNT, V);
    assert.deepEqual(resource, account({ allowBlobPublicAccess: true, minimumTlsVersion: 'TLS1_0' }));
    await arm.patch(ACCOUNT, V, { tags: { a: '1' } });
    await arm.get(ACCOUNT, V);
    assert.deepEqual(api.calls, [
      { method: 'GET', path: ACCOUNT, apiVersion: V, body: undefined },
      { method: 'PATCH', path: ACCOUNT, apiVersion: V, body: { tags: { a: '1' } } },
      { method: 'GET', path: ACCOUNT, apiVersion: V, body: undefined },
    ]);
    assert.equal(credential.count, 1);
    assert.deepEqual(api.tokenRequests, [api.url]);
  });

  it('uses DefaultAzureCredential when given no credential', async () => {
    assert.equal((await client().get(ACCOUNT, V))?.name, 'stweb');
  });

  it('answers undefined for a resource that does not exist (404), ids compared case-insensitively', async () => {
    const arm = client();
    assert.equal(await arm.get(`${ACCOUNT}-gone`, V), undefined);
    assert.equal((await arm.get(ACCOUNT.toLowerCase(), V))?.name, 'stweb');
  });

  it('PATCHes with a JSON merge patch and returns the object ARM answers (200)', async () => {
    const body = { properties: { allowBlobPublicAccess: false }, tags: { owner: 'sec' } };
    const result = await client().patch(ACCOUNT, V, body);
    const expected = account({ allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_0' });
    assert.deepEqual(result, { ...expected, tags: { env: 'prod', owner: 'sec' } });
    assert.deepEqual(api.resource(ACCOUNT), result);
    assert.deepEqual(api.calls, [{ method: 'PATCH', path: ACCOUNT, apiVersion: V, body }]);
  });

  it('follows a long-running PATCH through Azure-AsyncOperation, then GETs the resource', async () => {
    api.asyncPatch(ACCOUNT, { via: 'azure-asyncoperation', polls: 2 });
    const result = await client().patch(ACCOUNT, V, { properties: { minimumTlsVersion: 'TLS1_2' } });
    assert.equal((result.properties as Record<string, unknown>).minimumTlsVersion, 'TLS1_2');
    assert.deepEqual(
      api.calls.map((c) => `${c.method} ${c.path.includes('operationStatuses') ? 'operation' : c.path}`),
      [`PATCH ${ACCOUNT}`, 'GET operation', 'GET operation', 'GET operation', `GET ${ACCOUNT}`],
    );
    assert.ok(api.calls.every((c) => c.apiVersion === V));
  });

  it('fails with the operation error when the Azure-AsyncOperation ends Failed, leaving the resource as it was', async () => {
    api.asyncPatch(ACCOUNT, {
      via: 'azure-asyncoperation',
      polls: 1,
      outcome: 'Failed',
      error: { code: 'FeatureNotSupported', message: 'TLS 1.3 is not supported in this region.' },
    });
    const error = await rejection(client().patch(ACCOUNT, V, { properties: { minimumTlsVersion: 'TLS1_3' } }));
    assert.equal(
      error.message,
      `PATCH ${ACCOUNT}: the operation Failed: FeatureNotSupported: TLS 1.3 is not supported in this region.`,
    );
    assert.equal(error.transient, false);
    assert.equal(
      (api.resource(ACCOUNT)?.properties as Record<string, unknown> | undefined)?.minimumTlsVersion,
      'TLS1_0',
    );
    assert.equal(api.calls.length, 3);
  });

  it('follows a long-running PATCH through Location (202 while running, 200 when done)', async () => {
    api.asyncPatch(ACCOUNT, { via: 'location', polls: 1 });
    const result = await client().patch(ACCOUNT, V, { properties: { allowBlobPublicAccess: false } });
    assert.equal((result.properties as Record<string, unknown>).allowBlobPublicAccess, false);
    assert.deepEqual(
      api.calls.map((c) => `${c.method} ${c.path.includes('operationResults') ? 'operation' : 'resource'}`),
      ['PATCH resource', 'GET operation', 'GET operation', 'GET resource'],
    );
  });

  it('fails with the error of a Location operation that ends in an error status', async () => {
    api.asyncPatch(ACCOUNT, { via: 'location', polls: 0, outcome: 'Failed' });
    const error = await rejection(client().patch(ACCOUNT, V, { properties: { allowBlobPublicAccess: false } }));
    assert.equal(
      error.message,
      `PATCH ${ACCOUNT}: the operation failed: HTTP 400: OperationFailed: The operation on '${ACCOUNT}' failed (the test asked for it to fail).`,
    );
    assert.equal(error.transient, false);
  });

  it('gives up on an operation that outlasts maxPollMs', async () => {
    api.asyncPatch(ACCOUNT, { via: 'azure-asyncoperation', polls: 1_000_000 });
    const error = await rejection(
      client({ maxPollMs: 60 }).patch(ACCOUNT, V, { properties: { allowBlobPublicAccess: false } }),
    );
    assert.match(
      error.message,
      /^PATCH \/subscriptions\/.+: the operation did not finish within 60 ms \(it may still complete in Azure; polled https:\/\/127\.0\.0\.1:\d+\/providers\/Microsoft\.PalisadeTest\/locations\/local\/operationStatuses\/[0-9a-f]+\?api-version=2023-05-01\)$/,
    );
    assert.equal(error.transient, false);
  });

  it('maps 429 to a transient error carrying Retry-After, and 5xx to transient', async () => {
    api.throttleNext(1, 7);
    const throttled = await rejection(client().get(ACCOUNT, V));
    assert.equal(throttled.transient, true);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.retryAfterMs, 7000);
    assert.equal(
      throttled.message,
      `GET ${ACCOUNT}: HTTP 429: TooManyRequests: The request was throttled; retry after the interval in Retry-After.`,
    );
    api.failNext(1, 503);
    const unavailable = await rejection(client().patch(ACCOUNT, V, { properties: {} }));
    assert.deepEqual([unavailable.transient, unavailable.status, unavailable.retryAfterMs], [true, 503, undefined]);
  });

  it('polls an operation ARM names in a 200 answer (Azure-AsyncOperation), not taking the 200 body as the result', async () => {
    api.asyncPatch(ACCOUNT, { via: 'azure-asyncoperation', polls: 1, answer: 200 });
    const result = await client().patch(ACCOUNT, V, { properties: { minimumTlsVersion: 'TLS1_2' } });
    assert.equal((result.properties as Record<string, unknown>).minimumTlsVersion, 'TLS1_2');
    assert.deepEqual(
      api.calls.map((c) => `${c.method} ${c.path.includes('operationStatuses') ? 'operation' : c.path}`),
      [`PATCH ${ACCOUNT}`, 'GET operation', 'GET operation', `GET ${ACCOUNT}`],
    );
  });

  it('reports a throttled poll as transient with its Retry-After, uncapped, when it outlasts the poll budget', async () => {
    api.asyncPatch(ACCOUNT, { via: 'azure-asyncoperation', polls: 0, throttleFirstPoll: 7200 });
    const error = await rejection(client().patch(ACCOUNT, V, { properties: { minimumTlsVersion: 'TLS1_2' } }));
    assert.deepEqual([error.transient, error.status, error.retryAfterMs], [true, 429, 7_200_000]);
    assert.equal(
      error.message,
      `PATCH ${ACCOUNT}: polling the operation: HTTP 429: TooManyRequests: The request was throttled; retry after the interval in Retry-After.`,
    );
    api.throttleNext(1, 86_400);
    assert.equal((await rejection(client().get(ACCOUNT, V))).retryAfterMs, 86_400_000);
  });

  it('retries a 409 only when another operation is in progress, and names a lock that blocks a write', async () => {
    const conflicts: [{ code: string; message: string }, boolean][] = [
      [
        {
          code: 'AnotherOperationInProgress',
          message: 'Another operation on this or a dependent resource is in progress.',
        },
        true,
      ],
      [{ code: 'Conflict', message: 'Cannot modify this account because another operation is in progress.' }, true],
      [
        { code: 'OperationNotAllowed', message: 'An update is being applied to the account; please retry later.' },
        true,
      ],
      [{ code: 'Conflict', message: "The account 'stweb' is in the Failed provisioning state." }, false],
    ];
    const seen: [string, boolean][] = [];
    for (const [error] of conflicts) {
      api.failNext(1, 409, error);
      const failure = await rejection(client().patch(ACCOUNT, V, { properties: { allowBlobPublicAccess: false } }));
      assert.equal(failure.status, 409);
      seen.push([failure.message, failure.transient]);
    }
    assert.deepEqual(seen, [
      [
        `PATCH ${ACCOUNT}: HTTP 409: AnotherOperationInProgress: Another operation on this or a dependent resource is in progress.`,
        true,
      ],
      [
        `PATCH ${ACCOUNT}: HTTP 409: Conflict: Cannot modify this account because another operation is in progress.`,
        true,
      ],
      [
        `PATCH ${ACCOUNT}: HTTP 409: OperationNotAllowed: An update is being applied to the account; please retry later.`,
        true,
      ],
      [
        `PATCH ${ACCOUNT}: HTTP 409: Conflict: The account 'stweb' is in the Failed provisioning state. (the current state of the resource conflicts with the request, so it is not retried)`,
        false,
      ],
    ]);

    api.lock(ACCOUNT);
    const locked = await rejection(client().patch(ACCOUNT, V, { properties: { allowBlobPublicAccess: false } }));
    assert.deepEqual([locked.transient, locked.status], [false, 409]);
    assert.equal(
      locked.message,
      `PATCH ${ACCOUNT}: HTTP 409: ScopeLocked: The scope '${ACCOUNT}' cannot perform write operation because following scope(s) are locked: '${SUB}/resourceGroups/rg-web'. Please remove the lock and try again. (a resource lock (ScopeLocked) blocks the write: remove or relax the lock on the scope ARM names (az lock list), or apply the change by hand)`,
    );
    assert.equal(
      (api.resource(ACCOUNT)?.properties as Record<string, unknown> | undefined)?.allowBlobPublicAccess,
      true,
    );
  });

  it('refuses a plain-http endpoint unless it is a loopback host (the bearer token would travel in clear)', () => {
    for (const endpoint of ['http://management.example.com', 'http://10.0.0.4:8443', 'http://127.0.0.1.example.com']) {
      assert.throws(
        () => createArmClient({ endpoint }),
        (error: unknown) =>
          error instanceof ActionError &&
          error.message ===
            `ARM endpoint "${endpoint}" is plain http: refused, since the bearer token would travel in clear text (use https; http is accepted for loopback test servers only)`,
      );
    }
    for (const endpoint of [
      'http://127.0.0.1:8080',
      'http://localhost:8080/',
      'http://[::1]:8080',
      'https://management.example.com',
    ]) {
      assert.doesNotThrow(() => createArmClient({ endpoint }), endpoint);
    }
  });

  it('maps 403 to a failure that is not retried, with ARM code and message', async () => {
    api.deny(ACCOUNT);
    const error = await rejection(client().patch(ACCOUNT, V, { properties: { allowBlobPublicAccess: false } }));
    assert.equal(error.transient, false);
    assert.equal(error.status, 403);
    assert.match(
      error.message,
      /^PATCH \/subscriptions\/.+: HTTP 403: AuthorizationFailed: The client '[0-9a-f-]+' with object id '[0-9a-f-]+' does not have authorization to perform action 'Microsoft\.Storage\/storageAccounts\/write' over scope '\/subscriptions\/.+\/storageAccounts\/stweb' or the scope is invalid\./,
    );
  });

  it('maps a token ARM refuses to a 401 failure, and asks the credential again next time', async () => {
    const bogus = counting({
      getToken: async () => ({ token: 'not-issued', expiresOnTimestamp: Date.now() + 3_600_000 }),
    });
    const arm = client({ credential: bogus });
    const error = await rejection(arm.get(ACCOUNT, V));
    assert.equal(error.message, `GET ${ACCOUNT}: HTTP 401: InvalidAuthenticationToken: The access token is invalid.`);
    assert.deepEqual([error.transient, error.status], [false, 401]);
    await rejection(arm.get(ACCOUNT, V));
    assert.equal(bogus.count, 2);
  });

  it('keeps a token until 5 minutes before it expires', async () => {
    const counts: number[] = [];
    for (const lifetime of [360, 240]) {
      api.setTokenLifetime(lifetime);
      const credential = counting({ getToken: async () => api.issueToken() });
      const arm = client({ credential });
      await arm.get(ACCOUNT, V);
      await arm.get(ACCOUNT, V);
      await arm.get(ACCOUNT, V);
      counts.push(credential.count);
    }
    assert.deepEqual(counts, [1, 3]);
  });

  it('refuses malformed ids and api-versions before asking for a token or sending anything', async () => {
    const credential = counting({ getToken: async () => api.issueToken() });
    const arm = client({ credential });
    const bad: [string, string, RegExp][] = [
      ['/subscriptions/not-a-guid/resourceGroups/rg', V, /is not an ARM resource id/],
      [`${ACCOUNT}?api-version=2020-01-01`, V, /is not an ARM resource id/],
      [`${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/../x`, V, /is not an ARM resource id/],
      ['https://evil.example/subscriptions/x', V, /is not an ARM resource id/],
      [ACCOUNT, '2023-5-1', /api-version "2023-5-1" is not YYYY-MM-DD/],
      [ACCOUNT, '2023-05-01&x=1', /api-version/],
    ];
    for (const [id, version, message] of bad) {
      assert.match((await rejection(arm.get(id, version))).message, message);
      assert.match((await rejection(arm.patch(id, version, {}))).message, message);
    }
    assert.equal(credential.count, 0);
    assert.deepEqual(api.calls, []);
  });

  it('maps an unavailable credential to a failure that is not retried, naming the problem', async () => {
    const arm = client({
      credential: {
        getToken: async () => {
          throw new CredentialUnavailableError('ManagedIdentityCredential: no managed identity endpoint found.');
        },
      },
    });
    const error = await rejection(arm.get(ACCOUNT, V));
    assert.equal(error.transient, false);
    assert.equal(
      error.message,
      `no Azure credential is available (the credential, scope ${api.url}/.default): ManagedIdentityCredential: no managed identity endpoint found.`,
    );
    assert.deepEqual(api.calls, []);
  });

  it('the test server refuses requests without api-version as ARM does', async () => {
    const { token } = api.issueToken();
    const res = await sendHttp(
      { method: 'GET', url: `${api.url}${ACCOUNT}`, headers: { authorization: `Bearer ${token}` } },
      { ca: api.ca },
    );
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).error.code, 'MissingApiVersionParameter');
  });
});

describe('ARM id and api-version syntax', () => {
  it('accepts resource groups, resources, children and subscription-level resources', () => {
    for (const id of [
      `${SUB}/resourceGroups/rg-web`,
      ACCOUNT,
      `${SUB}/resourcegroups/RG_1(x)/providers/Microsoft.Sql/servers/srv/databases/db1`,
      `${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`,
    ]) {
      assert.equal(isArmId(id), true, id);
    }
    for (const id of ['', SUB, `${SUB}/resourceGroups/`, `${ACCOUNT}/`, `${ACCOUNT}#x`, `${SUB}/resourceGroups/a b`]) {
      assert.equal(isArmId(id), false, id);
    }
    assert.deepEqual(
      ['2023-05-01', '2024-01-01-preview', '2023-13-01', '2023-05-01-beta', '20230501'].map((v) =>
        ARM_API_VERSION.test(v),
      ),
      [true, true, false, false, false],
    );
  });
});
