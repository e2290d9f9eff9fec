import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData, useSubmit } from '@remix-run/react';
import { useSubscription } from 'urql';
import { IntentDialog } from '../../components/dialog.tsx';
import { Field } from '../../components/form.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import type { NavigationOverrideAction } from '../../gql/graphql.ts';
import { NavigationOverrideActionValues } from '../../gql/lists.ts';
import { gql } from '../../graphql.server.ts';
import { humanize } from '../../lib/format.ts';
import { isUuid } from '../../lib/ids.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { useIntent } from '../../lib/intent.ts';
import { countEvents } from '../../lib/live.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { useCan } from '../_app.tsx';
import { buildTree, flatten, MAX_DEPTH, parentChoices, type TreeItem } from './tree.ts';

export { action } from './actions.server.ts';

export const meta: MetaFunction = () => [{ title: 'Navigation · Opsgraph' }];

const NavigationDefaultsQuery = graphql(`
  query NavigationDefaults {
    navigationItems(first: 100) {
      totalCount
      edges {
        node {
          id
          key
          label
          icon
          path
          order
          parentId
          requiredEntitlement
          requiredFlag
          visible
        }
      }
    }
    tenants(first: 100, sort: NAME_ASC) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

const NavigationTenantQuery = graphql(`
  query NavigationTenant($tenantId: ID!) {
    tenant(id: $tenantId) {
      id
      name
    }
    navigationOverrides(first: 100, filter: { tenantId: $tenantId }) {
      edges {
        node {
          id
          itemKey
          action
          label
          icon
          path
          parentKey
          order
        }
      }
    }
    resolvedNavigation(tenantId: $tenantId) {
      tree {
        ...ResolvedNode
        children {
          ...ResolvedNode
          children {
            ...ResolvedNode
          }
        }
      }
      dropped {
        key
        label
        reason
        detail
      }
    }
  }
  fragment ResolvedNode on NavigationNode {
    key
    label
    icon
    path
  }
`);

const NavigationPageEvents = graphql(`
  subscription NavigationPageEvents($tenantId: ID) {
    navigationEvents(tenantId: $tenantId) {
      reason
      tenantId
      key
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const tenantParam = new URL(args.request.url).searchParams.get('tenant') ?? '';
  const tenantId = isUuid(tenantParam) ? tenantParam : null;
  const [defaults, tenant] = await Promise.all([gql(args, NavigationDefaultsQuery), tenantId ? gql(args, NavigationTenantQuery, { tenantId }) : null]);
  return {
    items: defaults.navigationItems.edges.map((e) => e.node),
    tenants: defaults.tenants.edges.map((e) => e.node),
    tenant: tenant?.tenant ?? null,
    overrides: tenant?.navigationOverrides.edges.map((e) => e.node) ?? [],
    resolved: tenant?.resolvedNavigation ?? null,
  };
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Item = Data['items'][number];
type Override = Data['overrides'][number];
type ResolvedNode = { key: string; label: string; path: string; children?: ResolvedNode[] };

export default function NavigationEditor() {
  const { items, tenants, tenant, overrides, resolved } = useLoaderData<typeof loader>();
  const canWrite = useCan('NAVIGATION_WRITE');
  const tree = buildTree(items);
  const tenantId = tenant?.id ?? null;
  const [events] = useSubscription({ query: NavigationPageEvents, variables: { tenantId } }, countEvents);
  useRevalidateOnEvents(events.data);
  const submit = useSubmit();

  return (
    <>
      <PageHeader title="Navigation" sub={<span className="muted">The tenant app's default navigation, and one tenant's overrides with the tree it gets</span>}>
        {canWrite ? (
          <div className="actions">
            <IntentDialog intent="create" label="Add item" title="Add a navigation item" submitLabel="Add item" busyLabel="Adding…">
              {(result) => <ItemFields result={result} tree={tree} item={null} withKey withParent />}
            </IntentDialog>
          </div>
        ) : null}
      </PageHeader>
      <div className="charts">
        <section className="card" aria-label="Default items">
          <h2>Defaults</h2>
          {tree.length ? (
            <ul className="timeline" data-testid="default-tree">
              {tree.map((item) => (
                <DefaultRow key={item.id} item={item} tree={tree} canWrite={canWrite} tenant={tenant} overrides={overrides} />
              ))}
            </ul>
          ) : (
            <p className="muted">No navigation items yet.</p>
          )}
        </section>
        <section className="card" aria-label="Tenant navigation">
          <Form method="get" className="toolbar">
            <label>
              Tenant{' '}
              <select name="tenant" defaultValue={tenantId ?? ''} key={tenantId ?? ''} onChange={(e) => submit(e.currentTarget.form)} aria-label="Tenant">
                <option value="">Choose a tenant…</option>
                {/* The first hundred by name, and the chosen one wherever it sorts. */}
                {(tenant && !tenants.some((t) => t.id === tenant.id) ? [tenant, ...tenants] : tenants).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
            <noscript>
              <button type="submit">Show</button>
            </noscript>
          </Form>
          {tenant && resolved ? (
            <>
              <h2>Resolved for {tenant.name}</h2>
              {resolved.tree.length ? (
                <ResolvedTree nodes={resolved.tree} testId="resolved-tree" />
              ) : (
                <p className="muted" data-testid="resolved-tree">
                  Nothing: every item is left out for this tenant.
                </p>
              )}
              {resolved.dropped.length ? (
                <>
                  <h3>Left out</h3>
                  <ul className="timeline" data-testid="dropped">
                    {resolved.dropped.map((d) => (
                      <li key={`${d.key} ${d.reason}`} data-testid="dropped-item" data-key={d.key}>
                        <strong>{d.label}</strong> <code>{d.key}</code> <span className="badge">{humanize(d.reason)}</span> <span className="muted small">{d.detail}</span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
              <TenantOverrides tenantId={tenant.id} tenantName={tenant.name} overrides={overrides} items={flatten(tree)} canWrite={canWrite} />
            </>
          ) : (
            <p className="muted">Choose a tenant to edit its overrides and see the navigation it gets.</p>
          )}
        </section>
      </div>
    </>
  );
}

function ResolvedTree({ nodes, testId }: { nodes: ResolvedNode[]; testId?: string }) {
  return (
    <ul className="timeline" data-testid={testId} style={testId ? undefined : { paddingLeft: '1.2rem' }}>
      {nodes.map((node) => (
        <li key={node.key} data-testid="resolved-item" data-key={node.key}>
          <strong>{node.label}</strong> <span className="muted small">{node.path}</span>
          {node.children?.length ? <ResolvedTree nodes={node.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

function DefaultRow({ item, tree, canWrite, tenant, overrides }: { item: TreeItem<Item>; tree: TreeItem<Item>[]; canWrite: boolean; tenant: { id: string; name: string } | null; overrides: Override[] }) {
  const hidden = tenant ? overrides.find((o) => o.itemKey === item.key && o.action === 'HIDE') : undefined;
  const move = useIntent(`move-${item.id}`);
  return (
    <li data-testid="default-item" data-key={item.key}>
      <div className="toolbar" style={{ marginBottom: 4 }}>
        <strong>{item.label}</strong> <code>{item.key}</code> <span className="muted small">{item.path}</span>
        {item.requiredEntitlement ? <span className="badge">needs {item.requiredEntitlement}</span> : null}
        {item.requiredFlag ? <span className="badge">flag {item.requiredFlag}</span> : null}
        {item.visible ? null : <span className="badge">not visible</span>}
        {hidden ? <span className="badge">hidden for {tenant!.name}</span> : null}
        {canWrite ? (
          <>
            <Form method="post">
              <input type="hidden" name="intent" value={`move-${item.id}`} />
              <input type="hidden" name="parentId" value={item.parentId ?? ''} />
              <input type="hidden" name="position" value={item.index - 1} />
              <button type="submit" disabled={item.index === 0 || move.busy} aria-label={`Move ${item.label} up`}>
                ↑
              </button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value={`move-${item.id}`} />
              <input type="hidden" name="parentId" value={item.parentId ?? ''} />
              <input type="hidden" name="position" value={item.index + 1} />
              <button type="submit" disabled={item.index === item.siblings - 1 || move.busy} aria-label={`Move ${item.label} down`}>
                ↓
              </button>
            </Form>
            <IntentDialog intent={`update-${item.id}`} label="Edit" title={`Edit ${item.label}`} submitLabel="Save" busyLabel="Saving…">
              {(result) => <ItemFields result={result} tree={tree} item={item} withParent />}
            </IntentDialog>
            {item.depth < MAX_DEPTH ? (
              <IntentDialog intent={`child-${item.id}`} label="Add child" title={`Add an item under ${item.label}`} submitLabel="Add item" busyLabel="Adding…">
                {(result) => <ItemFields result={result} tree={tree} item={null} withKey />}
              </IntentDialog>
            ) : null}
            {item.children.length === 0 ? (
              <IntentDialog intent={`delete-${item.id}`} label="Delete" title={`Delete ${item.label}`} submitLabel="Delete" busyLabel="Deleting…" danger>
                <p>The item goes, with every tenant's overrides of it.</p>
              </IntentDialog>
            ) : null}
            {tenant ? (
              <Form method="post">
                <input type="hidden" name="intent" value={hidden ? `unoverride-${hidden.id}` : `override-${tenant.id}`} />
                <input type="hidden" name="action" value="HIDE" />
                <input type="hidden" name="itemKey" value={item.key} />
                <button type="submit">{hidden ? `Show for ${tenant.name}` : `Hide for ${tenant.name}`}</button>
              </Form>
            ) : null}
          </>
        ) : null}
      </div>
      {move.result?.formError ? (
        <div className="form-error" role="alert">
          {move.result.formError}
        </div>
      ) : null}
      {item.children.length ? (
        <ul className="timeline" style={{ paddingLeft: '1.5rem' }}>
          {item.children.map((child) => (
            <DefaultRow key={child.id} item={child} tree={tree} canWrite={canWrite} tenant={tenant} overrides={overrides} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function ItemFields({ result, tree, item, withKey = false, withParent = false }: { result: IntentResult | undefined; tree: TreeItem<Item>[]; item: TreeItem<Item> | null; withKey?: boolean; withParent?: boolean }) {
  const errors = result?.fieldErrors ?? {};
  return (
    <div className="form-grid">
      {withKey ? (
        <Field label="Key" name="key" error={errors.key} hint="Lowercase letters, digits, _ . -; fixed once created.">
          <input name="key" required />
        </Field>
      ) : null}
      <Field label="Label" name="label" error={errors.label}>
        <input name="label" defaultValue={item?.label ?? ''} required />
      </Field>
      <Field label="Path" name="path" error={errors.path} hint="In the tenant app, starting with /.">
        <input name="path" defaultValue={item?.path ?? ''} required />
      </Field>
      <Field label="Icon" name="icon" error={errors.icon}>
        <input name="icon" defaultValue={item?.icon ?? ''} />
      </Field>
      {withParent ? (
        <Field label="Parent" name="parentId" error={errors.parentId}>
          <select name="parentId" defaultValue={item?.parentId ?? ''}>
            <option value="">(top level)</option>
            {parentChoices(tree, item).map((p) => (
              <option key={p.id} value={p.id}>
                {'— '.repeat(p.depth - 1)}
                {p.label}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <Field label="Required entitlement" name="requiredEntitlement" error={errors.requiredEntitlement} hint="Only tenants whose plan has it.">
        <input name="requiredEntitlement" defaultValue={item?.requiredEntitlement ?? ''} />
      </Field>
      <Field label="Required flag" name="requiredFlag" error={errors.requiredFlag} hint="Only tenants for whom the flag is on.">
        <input name="requiredFlag" defaultValue={item?.requiredFlag ?? ''} />
      </Field>
      <label className="inline">
        <input type="checkbox" name="visible" defaultChecked={item?.visible ?? true} /> Visible
      </label>
    </div>
  );
}

const ACTION_LABELS: Record<NavigationOverrideAction, string> = {
  HIDE: 'Hide a default item',
  RENAME: 'Rename a default item',
  REORDER: 'Move a default item to a position',
  ADD: 'Add an item of its own',
};

function describe(o: Override): string {
  switch (o.action) {
    case 'HIDE':
      return 'hidden';
    case 'RENAME':
      return `renamed “${o.label}”`;
    case 'REORDER':
      return `at position ${o.order}`;
    default:
      return `added “${o.label}” at ${o.path}${o.parentKey ? ` under ${o.parentKey}` : ''}${o.order === null ? '' : `, position ${o.order}`}`;
  }
}

function TenantOverrides({ tenantId, tenantName, overrides, items, canWrite }: { tenantId: string; tenantName: string; overrides: Override[]; items: TreeItem<Item>[]; canWrite: boolean }) {
  return (
    <>
      <h3>Overrides of {tenantName}</h3>
      {overrides.length ? (
        <ul className="timeline" data-testid="overrides">
          {overrides.map((o) => (
            <li key={o.id} data-testid="override" data-key={o.itemKey}>
              <span className="badge">{humanize(o.action)}</span> <code>{o.itemKey}</code> <span className="muted small">{describe(o)}</span>{' '}
              {canWrite ? (
                <Form method="post" style={{ display: 'inline' }}>
                  <input type="hidden" name="intent" value={`unoverride-${o.id}`} />
                  <button type="submit" aria-label={`Remove the ${o.action.toLowerCase()} override of ${o.itemKey}`}>
                    Remove
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None: this tenant gets the defaults.</p>
      )}
      {canWrite ? (
        <IntentDialog intent={`override-${tenantId}`} label="Add override" title={`Override the navigation of ${tenantName}`} submitLabel="Save override" busyLabel="Saving…">
          {(result) => {
            const errors = result?.fieldErrors ?? {};
            return (
              <div className="form-grid">
                <Field label="Action" name="action" error={errors.action}>
                  <select name="action" defaultValue="RENAME">
                    {NavigationOverrideActionValues.map((a) => (
                      <option key={a} value={a}>
                        {ACTION_LABELS[a]}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Item key" name="itemKey" error={errors.itemKey} hint="A default item's key, or the new item's own (add).">
                  <input name="itemKey" list="navigation-keys" required />
                </Field>
                <datalist id="navigation-keys">
                  {items.map((i) => (
                    <option key={i.id} value={i.key} />
                  ))}
                </datalist>
                <Field label="Label" name="label" error={errors.label} hint="Rename and add.">
                  <input name="label" />
                </Field>
                <Field label="Path" name="path" error={errors.path} hint="Add.">
                  <input name="path" />
                </Field>
                <Field label="Icon" name="icon" error={errors.icon} hint="Add.">
                  <input name="icon" />
                </Field>
                <Field label="Parent key" name="parentKey" error={errors.parentKey} hint="Add: a default or added item; empty for the top level.">
                  <input name="parentKey" list="navigation-keys" />
                </Field>
                <Field label="Position" name="order" error={errors.order} hint="Reorder and add: 0 is first among the siblings the tenant sees.">
                  <input name="order" type="number" min={0} />
                </Field>
              </div>
            );
          }}
        </IntentDialog>
      ) : null}
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
