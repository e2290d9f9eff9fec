// The provider without an API: an address nothing listens on, with and without a bootstrap snapshot. The
// tests against a running API are in api/test/openfeature-provider.test.ts.
import { createServer } from 'node:net';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import type { FlagDefinition, FlagSnapshot } from '@opsgraph/flag-evaluator';
import { afterEach, describe, expect, it } from 'vitest';
import { OpsgraphProvider, toEvaluationContext } from './index.ts';
import { changedKeys, isLater, readSnapshot } from './snapshot.ts';

/** A local address nothing listens on. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function flag(overrides: Partial<FlagDefinition> & { key: string }): FlagDefinition {
  return {
    type: 'BOOLEAN', enabled: true, defaultValue: false, onValue: true, rules: [], rollout: null, entitlement: null,
    tenantOverride: null, userOverrides: {}, pausedBy: [], ...overrides,
  };
}

const snapshot: FlagSnapshot = {
  version: '7',
  tenant: { id: 'tenant-a', plan: 'pro', status: 'ACTIVE', entitlements: ['sso'] },
  flags: [
    flag({ key: 'sso', entitlement: 'sso' }),
    flag({
      key: 'beta-banner', type: 'STRING', defaultValue: 'off', onValue: 'on',
      rules: [{ id: 'rule-nz', description: 'New Zealand', constraints: [{ attribute: 'country', operator: 'IN', values: ['NZ'] }], value: 'nz', rollout: null }],
    }),
    flag({ key: 'limits', type: 'JSON', defaultValue: { seats: 3 }, onValue: { seats: 10 }, userOverrides: { 'user-1': { seats: 99 } } }),
    flag({ key: 'max-items', type: 'NUMBER', defaultValue: 25, onValue: 50 }),
  ],
};

let provider: OpsgraphProvider | null = null;
afterEach(async () => {
  await OpenFeature.close();
  provider = null;
});

async function start(options: { bootstrap?: FlagSnapshot } = {}) {
  provider = new OpsgraphProvider({ url: await closedUrl(), apiKey: 'ogk_test', timeoutMs: 500, retryDelayMs: 50, maxRetryDelayMs: 200, ...options });
  const failed = await OpenFeature.setProviderAndWait(provider).then(() => null, (error: Error) => error);
  return { client: OpenFeature.getClient(), failed };
}

describe('without a snapshot', () => {
  it('fails to initialise, and serves the caller defaults with PROVIDER_NOT_READY', async () => {
    const { client, failed } = await start();
    expect(failed?.message).toContain('could not read the flag snapshot');
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(await client.getBooleanDetails('sso', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' });
    expect(await client.getStringValue('beta-banner', 'fallback')).toBe('fallback');
  });
});

describe('with a bootstrap snapshot and no API', () => {
  it('evaluates the bootstrap locally and says its values are STALE', async () => {
    const { client, failed } = await start({ bootstrap: snapshot });
    expect(failed).toBeNull();
    expect(await client.getBooleanDetails('sso', false)).toMatchObject({ value: true, reason: 'STALE', variant: 'on', flagMetadata: { reason: 'ENTITLEMENT', snapshotVersion: '7' } });
    expect(await client.getStringDetails('beta-banner', 'x', { country: 'NZ' })).toMatchObject({
      value: 'nz', variant: 'nz', flagMetadata: { reason: 'RULE', ruleId: 'rule-nz' },
    });
    expect(await client.getStringValue('beta-banner', 'x', { country: 'AU' })).toBe('off');
    expect(await client.getNumberValue('max-items', 0)).toBe(25);
    expect(await client.getObjectValue('limits', {}, { targetingKey: 'user-1' })).toEqual({ seats: 99 });
  });

  it('hands out copies of JSON values', async () => {
    const { client } = await start({ bootstrap: snapshot });
    const first = (await client.getObjectValue('limits', {})) as { seats: number };
    first.seats = 1000;
    expect(await client.getObjectValue('limits', {})).toEqual({ seats: 3 });
  });

  it('answers FLAG_NOT_FOUND for a key the tenant has no flag for', async () => {
    const { client } = await start({ bootstrap: snapshot });
    expect(await client.getBooleanDetails('nope', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('answers TYPE_MISMATCH when the flag is of another type', async () => {
    const { client } = await start({ bootstrap: snapshot });
    expect(await client.getStringDetails('sso', 'dflt')).toMatchObject({ value: 'dflt', errorCode: 'TYPE_MISMATCH' });
    expect(await client.getBooleanDetails('limits', false)).toMatchObject({ value: false, errorCode: 'TYPE_MISMATCH' });
    expect(await client.getNumberDetails('beta-banner', 1)).toMatchObject({ value: 1, errorCode: 'TYPE_MISMATCH' });
  });

  it('answers PARSE_ERROR for a flag it cannot read, and serves the others', async () => {
    const broken = {
      ...snapshot,
      flags: [
        ...snapshot.flags,
        { ...flag({ key: 'future-operator' }), rules: [{ id: 'r', description: '', constraints: [{ attribute: 'at', operator: 'DATE_AFTER', values: ['2030-01-01'] }], value: true, rollout: null }] },
        flag({ key: 'wrong-value', type: 'NUMBER', defaultValue: 'ten' as never }),
        { key: 'future-type', type: 'DURATION' },
      ],
    } as FlagSnapshot;
    const { client } = await start({ bootstrap: broken });
    const future = await client.getBooleanDetails('future-operator', true);
    expect(future).toMatchObject({ value: true, errorCode: 'PARSE_ERROR' });
    expect(future.errorMessage).toContain('future-operator');
    expect(await client.getNumberDetails('wrong-value', 5)).toMatchObject({ value: 5, errorCode: 'PARSE_ERROR' });
    expect(await client.getStringDetails('future-type', 'd')).toMatchObject({ value: 'd', errorCode: 'PARSE_ERROR' });
    expect(await client.getBooleanValue('sso', false)).toBe(true);
  });

  it('answers GENERAL when evaluating fails unexpectedly', async () => {
    await start({ bootstrap: snapshot });
    // The SDK copies a context before the provider sees it; called directly, the provider reads it itself.
    const context = Object.defineProperty({}, 'country', { enumerable: true, get: () => { throw new Error('unreadable attribute'); } });
    const logged: unknown[] = [];
    const logger = { error: (...args: unknown[]) => logged.push(args), warn: () => {}, info: () => {}, debug: () => {} };
    const failure = await provider!.resolveStringEvaluation('beta-banner', 'd', context, logger).catch((error: { code?: string; message: string }) => error);
    expect(failure).toMatchObject({ code: 'GENERAL' });
    expect((failure as Error).message).toContain('unreadable attribute');
    expect(logged).toHaveLength(1);
  });

  it('refuses a bootstrap that is not a flag snapshot', () => {
    expect(() => new OpsgraphProvider({ url: 'http://127.0.0.1:9', apiKey: 'k', bootstrap: { version: 1 } as never })).toThrow(/not a flag snapshot/);
  });

  it('emits no configuration change while nothing is read', async () => {
    const { client } = await start({ bootstrap: snapshot });
    const changes: unknown[] = [];
    client.addHandler(ProviderEvents.ConfigurationChanged, (details) => changes.push(details));
    await new Promise((r) => setTimeout(r, 300));
    expect(changes).toEqual([]);
  });
});

describe('the evaluation context', () => {
  it('takes targetingKey as the user and primitives, dates and string arrays as attributes', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(
      toEvaluationContext({ targetingKey: 'user-9', country: 'NZ', seats: 4, beta: false, groups: ['a', 'b'], since: at, nested: { x: 1 }, mixed: ['a', 1], nan: Number.NaN }),
    ).toEqual({ userId: 'user-9', attributes: { country: 'NZ', seats: 4, beta: false, groups: ['a', 'b'], since: '2026-01-02T03:04:05.000Z' } });
    expect(toEvaluationContext({ targetingKey: '' })).toEqual({ userId: null, attributes: {} });
  });
});

describe('snapshots', () => {
  it('names the flags a new snapshot added, removed or changed', () => {
    const before = readSnapshot(snapshot);
    const after = readSnapshot({
      ...snapshot,
      version: '8',
      flags: [snapshot.flags[0], { ...snapshot.flags[1]!, enabled: false }, snapshot.flags[2], flag({ key: 'new-one' })],
    });
    expect(changedKeys(before, after).sort()).toEqual(['beta-banner', 'max-items', 'new-one']);
    expect(changedKeys(before, readSnapshot(snapshot))).toEqual([]);
    const otherPlan = readSnapshot({ ...snapshot, tenant: { ...snapshot.tenant, entitlements: [] } });
    expect(changedKeys(before, otherPlan).sort()).toEqual(['beta-banner', 'limits', 'max-items', 'sso']);
  });

  it('orders versions numerically when they are numbers', () => {
    expect(isLater('10', '9')).toBe(true);
    expect(isLater('9', '10')).toBe(false);
    expect(isLater('12345678901234567890', '12345678901234567889')).toBe(true);
    expect(isLater('2026-12-08T01:00:00.000Z', '2026-12-07T23:00:00.000Z')).toBe(true);
  });
});
