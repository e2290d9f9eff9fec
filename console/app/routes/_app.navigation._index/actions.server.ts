import type { ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import type { IntentResult } from '../../lib/intent.ts';
import { readRowIntent } from '../../lib/intent.server.ts';
import { outcome } from '../../lib/mutation.ts';
import { readItemForm, readMoveForm, readOverrideForm } from './item-form.ts';

// The editor's forms: `create`, `child-<parent id>`, `update-<id>`, `move-<id>`, `delete-<id>` for the
// defaults; `override-<tenant id>` and `unoverride-<override id>` for the chosen tenant's overrides.

const Create = graphql(`
  mutation NavigationItemCreate($input: CreateNavigationItemInput!) {
    createNavigationItem(input: $input) {
      __typename
      ... on MutationCreateNavigationItemSuccess {
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
  mutation NavigationItemUpdate($id: ID!, $input: UpdateNavigationItemInput!) {
    updateNavigationItem(id: $id, input: $input) {
      __typename
      ... on MutationUpdateNavigationItemSuccess {
        data {
          id
          parentId
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Move = graphql(`
  mutation NavigationItemMove($id: ID!, $parentId: ID, $position: Int!) {
    moveNavigationItem(id: $id, parentId: $parentId, position: $position) {
      __typename
      ... on MutationMoveNavigationItemSuccess {
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
  mutation NavigationItemDelete($id: ID!) {
    deleteNavigationItem(id: $id) {
      __typename
      ... on MutationDeleteNavigationItemSuccess {
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

const SetOverride = graphql(`
  mutation NavigationOverrideSet($input: NavigationOverrideInput!) {
    setNavigationOverride(input: $input) {
      __typename
      ... on MutationSetNavigationOverrideSuccess {
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

const RemoveOverride = graphql(`
  mutation NavigationOverrideRemove($id: ID!) {
    removeNavigationOverride(id: $id) {
      __typename
      ... on MutationRemoveNavigationOverrideSuccess {
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

/** Nesting puts an item last among its new siblings: the API's largest position (its item limit), clamped there. */
const LAST = 100;

export async function action(args: ActionFunctionArgs) {
  const read = await readRowIntent(args.request);
  if (read.refused) return read.refused;
  const { form, kind, id, intent, fail } = read;
  let result: ReturnType<typeof outcome<unknown>>;
  switch (kind) {
    case 'create':
    case 'child': {
      const { key, parentId, ...rest } = readItemForm(form);
      result = outcome((await gql(args, Create, { input: { key, ...rest, parentId: kind === 'child' ? id : parentId } })).createNavigationItem);
      break;
    }
    case 'update': {
      const { key: _key, parentId, ...input } = readItemForm(form);
      result = outcome((await gql(args, Update, { id, input })).updateNavigationItem);
      // Nesting elsewhere is a move, after the fields are saved.
      if (result.ok && (result.data as { parentId: string | null }).parentId !== parentId) {
        result = outcome((await gql(args, Move, { id, parentId, position: LAST })).moveNavigationItem);
      }
      break;
    }
    case 'move': {
      const input = readMoveForm(form);
      if (!input.ok) return fail(input.fieldErrors);
      result = outcome((await gql(args, Move, { id, ...input.value })).moveNavigationItem);
      break;
    }
    case 'delete':
      result = outcome((await gql(args, Delete, { id })).deleteNavigationItem);
      break;
    case 'override': {
      const input = readOverrideForm(form);
      if (!input.ok) return fail(input.fieldErrors);
      result = outcome((await gql(args, SetOverride, { input: { tenantId: id, ...input.value } })).setNavigationOverride);
      break;
    }
    case 'unoverride':
      result = outcome((await gql(args, RemoveOverride, { id })).removeNavigationOverride);
      break;
    default:
      return fail({}, `Unknown action “${intent}”.`);
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies IntentResult;
}
