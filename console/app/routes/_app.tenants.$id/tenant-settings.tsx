import { useSubscription } from 'urql';
import { SettingForm } from '../../components/setting-form.tsx';
import { graphql } from '../../gql/index.ts';
import type { SettingDefinitionFieldsFragment } from '../../gql/graphql.ts';
import { countEvents } from '../../lib/live.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { SETTING_INTENTS, settingSummary } from '../../lib/settings.ts';

const SettingChanged = graphql(`
  subscription TenantPageSettingChanged {
    settingChanged {
      key
      tenantId
    }
  }
`);

type TenantSetting = SettingDefinitionFieldsFragment & { value?: unknown; globalValue?: unknown; overridden: boolean };

/** The tenant's own values of the settings that allow one; the others apply to it as set on the Settings page. */
export function TenantSettings({ settings, canWrite }: { settings: readonly TenantSetting[]; canWrite: boolean }) {
  const own = settings.filter((s) => s.tenantOverridable);
  // The tenant's own values and the global ones it falls back to: either may change elsewhere.
  const [changes] = useSubscription({ query: SettingChanged }, countEvents);
  useRevalidateOnEvents(changes.data);
  return (
    <section aria-label="Settings" data-testid="tenant-settings">
      <h2>Settings</h2>
      <p className="muted">Values this tenant has instead of the platform's (see Settings for the others).</p>
      {own.map((setting) => (
        <SettingForm
          key={setting.key}
          setting={setting}
          value={setting.value}
          stored={setting.overridden}
          canWrite={canWrite}
          intents={SETTING_INTENTS.tenant}
          storedLabel="Its own value"
          defaultLabel="The global value"
          note={setting.overridden ? `global: ${settingSummary(setting.globalValue)}` : null}
        />
      ))}
    </section>
  );
}
