import { data, redirect, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { FlagScheduledChangeKindValues, FlagStickinessValues } from '../../gql/lists.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { changedDefinition, originalDefinition, parseDefinition, parseFlagValue, parsePercentage, readDefinitionValues, readRules, type DefinitionValues } from '../../lib/flags.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { isoDate } from '../../lib/list.ts';
import { outcome, type FieldErrors } from '../../lib/mutation.ts';

// The flag page's forms, each posting an `intent`: the kill switch, the definition (only what changed), the
// rules, the rollout, overrides, scheduled changes and deleting the flag.

const FlagShape = graphql(`
  query FlagShape($id: ID!) {
    flag(id: $id) {
      id
      key
      type
      variants
    }
  }
`);

const SetEnabled = graphql(`
  mutation FlagSetEnabled($id: ID!, $enabled: Boolean!) {
    setFlagEnabled(id: $id, enabled: $enabled) {
      __typename
      ... on MutationSetFlagEnabledSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Update = graphql(`
  mutation FlagUpdate($id: ID!, $input: UpdateFlagInput!) {
    updateFlag(id: $id, input: $input) {
      __typename
      ... on MutationUpdateFlagSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const SetRules = graphql(`
  mutation FlagSetRules($id: ID!, $rules: [FlagRuleInput!]!) {
    setFlagRules(id: $id, rules: $rules) {
      __typename
      ... on MutationSetFlagRulesSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const SetRollout = graphql(`
  mutation FlagSetRollout($id: ID!, $percentage: Float, $stickiness: FlagStickiness) {
    setFlagRollout(id: $id, percentage: $percentage, stickiness: $stickiness) {
      __typename
      ... on MutationSetFlagRolloutSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const SetTenantOverride = graphql(`
  mutation FlagSetTenantOverride($flagId: ID!, $tenantId: ID!, $value: JSON!) {
    setFlagTenantOverride(flagId: $flagId, tenantId: $tenantId, value: $value) {
      __typename
      ... on MutationSetFlagTenantOverrideSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const RemoveTenantOverride = graphql(`
  mutation FlagRemoveTenantOverride($flagId: ID!, $tenantId: ID!) {
    removeFlagTenantOverride(flagId: $flagId, tenantId: $tenantId) {
      __typename
      ... on MutationRemoveFlagTenantOverrideSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const SetUserOverride = graphql(`
  mutation FlagSetUserOverride($flagId: ID!, $tenantId: ID!, $externalUserId: String!, $value: JSON!) {
    setFlagUserOverride(flagId: $flagId, tenantId: $tenantId, externalUserId: $externalUserId, value: $value) {
      __typename
      ... on MutationSetFlagUserOverrideSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const RemoveUserOverride = graphql(`
  mutation FlagRemoveUserOverride($flagId: ID!, $tenantId: ID!, $externalUserId: String!) {
    removeFlagUserOverride(flagId: $flagId, tenantId: $tenantId, externalUserId: $externalUserId) {
      __typename
      ... on MutationRemoveFlagUserOverrideSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Schedule = graphql(`
  mutation FlagScheduleChange($flagId: ID!, $kind: FlagScheduledChangeKind!, $runAt: DateTime!, $percentage: Float, $stickiness: FlagStickiness) {
    scheduleFlagChange(flagId: $flagId, kind: $kind, runAt: $runAt, percentage: $percentage, stickiness: $stickiness) {
      __typename
      ... on MutationScheduleFlagChangeSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const CancelChange = graphql(`
  mutation FlagCancelChange($id: ID!) {
    cancelFlagChange(id: $id) {
      __typename
      ... on MutationCancelFlagChangeSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Delete = graphql(`
  mutation FlagDelete($id: ID!) {
    deleteFlag(id: $id) {
      __typename
      ... on MutationDeleteFlagSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

/** A form's answer; a failed definition edit sends back what was typed so the form shows it again. */
export type ActionResult = IntentResult & { values?: DefinitionValues };

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const fail = (fieldErrors: FieldErrors, formError: string | null = null, values?: DefinitionValues) =>
    data<ActionResult>({ intent, ok: false, formError, fieldErrors, values }, { status: 400 });
  const { flag } = await gql(args, FlagShape, { id });
  if (!flag) throw notFound(args.context, `No flag with id ${id}.`);
  const value = (name: string) => parseFlagValue(flag.type, String(form.get(name) ?? ''), flag.variants);

  let result: ReturnType<typeof outcome<unknown>>;
  switch (intent) {
    case 'enable':
    case 'disable':
      result = outcome((await gql(args, SetEnabled, { id, enabled: intent === 'enable' })).setFlagEnabled);
      break;
    case 'definition': {
      const values = readDefinitionValues(form);
      const parsed = parseDefinition(values, flag.type);
      if (!parsed.ok) return fail(parsed.fieldErrors, 'Check the highlighted fields.', values);
      const original = originalDefinition(String(form.get('original') ?? ''), flag.type);
      const input = original ? changedDefinition(original, parsed.input) : parsed.input;
      if (Object.keys(input).length) {
        const updated = outcome((await gql(args, Update, { id, input })).updateFlag);
        if (!updated.ok) return fail(updated.fieldErrors, updated.formError, values);
      }
      return redirect(`/flags/${id}`);
    }
    case 'rules': {
      const read = readRules(String(form.get('rules') ?? ''), flag);
      if (!read.ok) return fail(read.fieldErrors, read.formError ?? 'Check the highlighted rules.');
      result = outcome((await gql(args, SetRules, { id, rules: read.rules })).setFlagRules);
      break;
    }
    case 'rollout': {
      // An empty percentage (the "No rollout" choice) removes the rollout.
      const off = form.get('rolloutOn') !== 'on';
      const percentage = off ? null : parsePercentage(text('percentage'));
      if (!off && percentage === null) return fail({ percentage: 'A percentage from 0 to 100, at most two decimals.' });
      const stickiness = FlagStickinessValues.find((s) => s === form.get('stickiness')) ?? 'TENANT';
      result = outcome((await gql(args, SetRollout, { id, percentage, stickiness })).setFlagRollout);
      break;
    }
    case 'tenantOverride': {
      const read = value('value');
      if (!read.ok) return fail({ value: read.error });
      if (!text('tenantId')) return fail({ tenantId: 'Choose the tenant.' });
      result = outcome((await gql(args, SetTenantOverride, { flagId: id, tenantId: text('tenantId'), value: read.value })).setFlagTenantOverride);
      break;
    }
    case 'removeTenantOverride':
      result = outcome((await gql(args, RemoveTenantOverride, { flagId: id, tenantId: text('tenantId') })).removeFlagTenantOverride);
      break;
    case 'userOverride': {
      const read = value('value');
      const errors: FieldErrors = {};
      if (!read.ok) errors.value = read.error;
      if (!text('tenantId')) errors.tenantId = 'Choose the tenant.';
      if (!text('externalUserId')) errors.externalUserId = 'Give the user’s id in the tenant’s app.';
      if (!read.ok || Object.keys(errors).length) return fail(errors);
      result = outcome(
        (await gql(args, SetUserOverride, { flagId: id, tenantId: text('tenantId'), externalUserId: text('externalUserId'), value: read.value })).setFlagUserOverride,
      );
      break;
    }
    case 'removeUserOverride':
      result = outcome(
        (await gql(args, RemoveUserOverride, { flagId: id, tenantId: text('tenantId'), externalUserId: String(form.get('externalUserId') ?? '') })).removeFlagUserOverride,
      );
      break;
    case 'schedule': {
      const kind = FlagScheduledChangeKindValues.find((k) => k === form.get('kind'));
      const runAt = isoDate(text('runAt'));
      const errors: FieldErrors = {};
      if (!kind) errors.kind = 'Choose what to change.';
      if (!runAt) errors.runAt = 'Give the time of the change (UTC).';
      // SET_ROLLOUT with no percentage removes the rollout at that time.
      const rollout = kind === 'SET_ROLLOUT' && text('percentage') !== '';
      const percentage = rollout ? parsePercentage(text('percentage')) : null;
      if (rollout && percentage === null) errors.percentage = 'A percentage from 0 to 100, at most two decimals.';
      const stickiness = rollout ? (FlagStickinessValues.find((s) => s === form.get('stickiness')) ?? null) : null;
      if (!kind || !runAt || Object.keys(errors).length) return fail(errors);
      result = outcome((await gql(args, Schedule, { flagId: id, kind, runAt, percentage, stickiness })).scheduleFlagChange);
      break;
    }
    case 'cancelChange':
      result = outcome((await gql(args, CancelChange, { id: text('changeId') })).cancelFlagChange);
      break;
    case 'delete': {
      if (text('confirmKey') !== flag.key) return fail({ confirmKey: 'Type the flag’s key exactly to confirm.' });
      const deleted = outcome((await gql(args, Delete, { id })).deleteFlag);
      if (!deleted.ok) return fail(deleted.fieldErrors, deleted.formError);
      return redirect('/flags');
    }
    default:
      return fail({}, `Unknown action “${intent}”.`);
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies ActionResult;
}
