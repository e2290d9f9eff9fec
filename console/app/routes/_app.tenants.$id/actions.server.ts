import { data, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { sendEmailIntent } from '../../lib/send-email.server.ts';
import { settingIntent } from '../../lib/settings.server.ts';
import { isoDate } from '../../lib/list.ts';
import { outcome, type FieldErrors } from '../../lib/mutation.ts';

// The tenant page's forms: each posts an `intent`, answered with its outcome (and a new key's secret, once).

const TenantNameQuery = graphql(`
  query TenantName($id: ID!) {
    tenant(id: $id) {
      name
    }
  }
`);

const ChangePlan = graphql(`
  mutation TenantChangePlan($id: ID!, $planId: ID!) {
    changeTenantPlan(id: $id, planId: $planId) {
      __typename
      ... on MutationChangeTenantPlanSuccess {
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

const Suspend = graphql(`
  mutation TenantSuspend($id: ID!, $reason: String!) {
    suspendTenant(id: $id, reason: $reason) {
      __typename
      ... on MutationSuspendTenantSuccess {
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

const Activate = graphql(`
  mutation TenantActivate($id: ID!) {
    activateTenant(id: $id) {
      __typename
      ... on MutationActivateTenantSuccess {
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
  mutation TenantDelete($id: ID!) {
    deleteTenant(id: $id) {
      __typename
      ... on MutationDeleteTenantSuccess {
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

const CreateKey = graphql(`
  mutation TenantCreateApiKey($input: CreateTenantApiKeyInput!) {
    createTenantApiKey(input: $input) {
      __typename
      ... on MutationCreateTenantApiKeySuccess {
        data {
          secret
          apiKey {
            id
            name
          }
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const RevokeKey = graphql(`
  mutation TenantRevokeApiKey($id: ID!) {
    revokeTenantApiKey(id: $id) {
      __typename
      ... on MutationRevokeTenantApiKeySuccess {
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

export type ActionResult = IntentResult & { secret?: string; keyName?: string; emailId?: string };

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const fail = (fieldErrors: FieldErrors, formError: string | null = null) =>
    data<ActionResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });

  let result: ReturnType<typeof outcome<unknown>>;
  switch (intent) {
    case 'changePlan':
      result = outcome((await gql(args, ChangePlan, { id, planId: text('planId') })).changeTenantPlan);
      break;
    case 'suspend':
      if (!text('reason')) return fail({ reason: 'Say why the tenant is suspended.' });
      result = outcome((await gql(args, Suspend, { id, reason: text('reason') })).suspendTenant);
      break;
    case 'activate':
      result = outcome((await gql(args, Activate, { id })).activateTenant);
      break;
    case 'delete': {
      const { tenant } = await gql(args, TenantNameQuery, { id });
      if (!tenant || text('confirmName') !== tenant.name) return fail({ confirmName: 'Type the tenant’s name exactly to confirm.' });
      result = outcome((await gql(args, Delete, { id })).deleteTenant);
      break;
    }
    case 'createKey': {
      const expires = text('expiresAt');
      const expiresAt = expires ? isoDate(expires, { endOfDay: true }) : null;
      if (expires && !expiresAt) return fail({ expiresAt: 'Not a date.' });
      const created = outcome((await gql(args, CreateKey, { input: { tenantId: id, name: text('name'), expiresAt } })).createTenantApiKey);
      if (!created.ok) return fail(created.fieldErrors, created.formError);
      return { intent, ok: true, secret: created.data.secret, keyName: created.data.apiKey.name } satisfies ActionResult;
    }
    case 'sendEmail': {
      const sent = await sendEmailIntent(args, form, { tenantId: id });
      if (!sent.ok) return fail(sent.fieldErrors, sent.formError);
      return { intent, ok: true, emailId: sent.emailId } satisfies ActionResult;
    }
    case 'revokeKey':
      result = outcome((await gql(args, RevokeKey, { id: text('keyId') })).revokeTenantApiKey);
      break;
    default: {
      const setting = await settingIntent(args, form, intent, id);
      if (!setting) return fail({}, `Unknown action “${intent}”.`);
      result = setting;
    }
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies ActionResult;
}

