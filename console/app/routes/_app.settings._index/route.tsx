import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { PageHeader } from '../../components/page-header.tsx';
import { SettingForm } from '../../components/setting-form.tsx';
import { graphql } from '../../gql/index.ts';
import type { SettingCategory } from '../../gql/graphql.ts';
import { gql } from '../../graphql.server.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { countEvents } from '../../lib/live.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { useCan } from '../_app.tsx';

export { action } from './actions.server.ts';

export const meta: MetaFunction = () => [{ title: 'Settings · Opsgraph' }];

const SettingsQuery = graphql(`
  query SystemSettings {
    settings {
      ...SettingDefinitionFields
      value
      isSet
      updatedAt
      overridesCount
    }
  }
`);

const SettingsChanged = graphql(`
  subscription SystemSettingsChanged {
    settingChanged {
      key
      tenantId
      kind
    }
  }
`);

const CATEGORY_LABELS: Record<SettingCategory, string> = {
  PRICING: 'Pricing',
  EMAIL: 'Email',
  SUPPORT: 'Support',
  SECURITY: 'Security',
  GENERAL: 'General',
};

export async function loader(args: LoaderFunctionArgs) {
  return gql(args, SettingsQuery);
}

export default function SystemSettings() {
  const { settings } = useLoaderData<typeof loader>();
  const canWrite = useCan('SETTINGS_WRITE');
  // Another admin's change (or another instance's) reloads the page's values.
  const [changes] = useSubscription({ query: SettingsChanged }, countEvents);
  useRevalidateOnEvents(changes.data);

  return (
    <>
      <PageHeader title="Settings" sub={<span className="muted">Platform-wide values; a tenant's own values are on its page.</span>} />
      {/* The API lists settings by category in the registry's order. */}
      {[...new Set(settings.map((s) => s.category))].map((category) => {
        const inCategory = settings.filter((s) => s.category === category);
        return (
          <section key={category} aria-label={CATEGORY_LABELS[category]} data-testid="setting-category" className="settings-category">
            <h2>{CATEGORY_LABELS[category]}</h2>
            {inCategory.map((setting) => (
              <SettingForm
                key={setting.key}
                setting={setting}
                value={setting.value}
                stored={setting.isSet}
                canWrite={canWrite}
                note={[
                  setting.updatedAt ? `changed ${formatDateTime(setting.updatedAt)}` : null,
                  setting.tenantOverridable ? `${formatCount(setting.overridesCount)} tenant${setting.overridesCount === 1 ? '' : 's'} with their own` : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              />
            ))}
          </section>
        );
      })}
    </>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
