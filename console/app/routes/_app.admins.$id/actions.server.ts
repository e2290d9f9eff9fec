import { data, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { outcome, type FieldErrors } from '../../lib/mutation.ts';
import { isAdminRole } from './admin-roles.ts';

// The admin page's forms: change the role, deactivate or reactivate, revoke one session.

const ChangeRole = graphql(`
  mutation ChangeAdminRole($id: ID!, $role: AdminRole!) {
    changeAdminRole(id: $id, role: $role) {
      __typename
      ... on MutationChangeAdminRoleSuccess {
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

const Deactivate = graphql(`
  mutation DeactivateAdmin($id: ID!) {
    deactivateAdmin(id: $id) {
      __typename
      ... on MutationDeactivateAdminSuccess {
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

const Reactivate = graphql(`
  mutation ReactivateAdmin($id: ID!) {
    reactivateAdmin(id: $id) {
      __typename
      ... on MutationReactivateAdminSuccess {
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

const RevokeSession = graphql(`
  mutation RevokeAdminSession($id: ID!) {
    revokeAdminSession(id: $id) {
      __typename
      ... on MutationRevokeAdminSessionSuccess {
        data
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

type ActionResult = IntentResult;

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const fail = (formError: string | null, fieldErrors: FieldErrors = {}) =>
    data<ActionResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });

  let result: ReturnType<typeof outcome<unknown>>;
  switch (intent) {
    case 'changeRole': {
      const role = form.get('role');
      if (!isAdminRole(role)) return fail(null, { role: 'Choose a role.' });
      result = outcome((await gql(args, ChangeRole, { id, role })).changeAdminRole);
      break;
    }
    case 'deactivate':
      result = outcome((await gql(args, Deactivate, { id })).deactivateAdmin);
      break;
    case 'reactivate':
      result = outcome((await gql(args, Reactivate, { id })).reactivateAdmin);
      break;
    case 'revokeSession':
      result = outcome((await gql(args, RevokeSession, { id: String(form.get('sessionId') ?? '') })).revokeAdminSession);
      break;
    default:
      return fail(`Unknown action “${intent}”.`);
  }
  if (!result.ok) {
    // A refusal about the admin itself (the last owner) is keyed `id`: it belongs to the whole form.
    const { id: about, ...fieldErrors } = result.fieldErrors;
    return fail(result.formError ?? about ?? null, fieldErrors);
  }
  return { intent, ok: true } satisfies ActionResult;
}

