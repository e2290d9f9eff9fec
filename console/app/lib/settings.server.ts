import type { ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../gql/index.ts';
import { SettingInputValues } from '../gql/lists.ts';
import { gql } from '../graphql.server.ts';
import { outcome } from './mutation.ts';
import { readSettingValue, SETTING_INTENTS } from './settings.ts';

// The setting forms' action, shared by the Settings page (global values) and the tenant page (its own values).

const SetSetting = graphql(`
  mutation SettingSet($key: String!, $value: JSON!) {
    setSetting(key: $key, value: $value) {
      __typename
      ... on MutationSetSettingSuccess {
        data {
          key
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const ResetSetting = graphql(`
  mutation SettingReset($key: String!) {
    resetSetting(key: $key) {
      __typename
      ... on MutationResetSettingSuccess {
        data {
          key
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const SetTenantSetting = graphql(`
  mutation TenantSettingSet($tenantId: ID!, $key: String!, $value: JSON!) {
    setTenantSetting(tenantId: $tenantId, key: $key, value: $value) {
      __typename
      ... on MutationSetTenantSettingSuccess {
        data {
          key
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const ResetTenantSetting = graphql(`
  mutation TenantSettingReset($tenantId: ID!, $key: String!) {
    resetTenantSetting(tenantId: $tenantId, key: $key) {
      __typename
      ... on MutationResetTenantSettingSuccess {
        data {
          key
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

/**
 * Runs a setting form's intent (`set:<key>`, `reset:<key>`, and with a tenant `setTenant:<key>`,
 * `resetTenant:<key>`): null when the intent is not one of them, else its outcome.
 */
export async function settingIntent(args: ActionFunctionArgs, form: FormData, intent: string, tenantId?: string): Promise<ReturnType<typeof outcome<unknown>> | null> {
  const [verb = '', key = ''] = intent.split(/:(.*)/s);
  const intents = tenantId ? SETTING_INTENTS.tenant : SETTING_INTENTS.global;
  if (!key || (verb !== intents.set && verb !== intents.reset)) return null;
  if (verb === intents.reset) {
    const answer = tenantId ? (await gql(args, ResetTenantSetting, { tenantId, key })).resetTenantSetting : (await gql(args, ResetSetting, { key })).resetSetting;
    return outcome(answer);
  }
  const input = SettingInputValues.find((v) => v === form.get('input')) ?? 'TEXT';
  const read = readSettingValue(input, form, form.get('secret') === 'true');
  if (!read.ok) return { ok: false, formError: null, fieldErrors: { value: read.error } };
  const answer = tenantId
    ? (await gql(args, SetTenantSetting, { tenantId, key, value: read.value })).setTenantSetting
    : (await gql(args, SetSetting, { key, value: read.value })).setSetting;
  return outcome(answer);
}
