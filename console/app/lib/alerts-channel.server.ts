import { data, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { readChannelUpdateForm, readNewChannelForm } from './alerts-channel.ts';
import type { IntentResult } from './intent.ts';
import { outcome } from './mutation.ts';

const Create = graphql(`
  mutation AlertChannelCreate($input: AlertChannelInput!) {
    createAlertChannel(input: $input) {
      __typename
      ... on MutationCreateAlertChannelSuccess {
        data {
          signingSecret
          channel {
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

const Update = graphql(`
  mutation AlertChannelUpdate($id: ID!, $input: AlertChannelUpdateInput!) {
    updateAlertChannel(id: $id, input: $input) {
      __typename
      ... on MutationUpdateAlertChannelSuccess {
        data {
          signingSecret
          channel {
            id
          }
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Test = graphql(`
  mutation AlertChannelTest($id: ID!) {
    testAlertChannel(id: $id) {
      __typename
      ... on MutationTestAlertChannelSuccess {
        data {
          id
          status
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

/** What a save answers: the one-time signing secret when this save generated one. */
export type ChannelSaveResult = IntentResult & { channelId?: string; channelName?: string; signingSecret?: string | null };

function failed(intent: string, fieldErrors: Record<string, string>, formError: string | null = null) {
  return data<ChannelSaveResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });
}

export async function createChannelAction(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  const read = readNewChannelForm(form);
  if (!read.ok) return failed('save', read.fieldErrors);
  const result = outcome((await gql(args, Create, { input: read.input })).createAlertChannel);
  if (!result.ok) return failed('save', result.fieldErrors, result.formError);
  return data<ChannelSaveResult>({ intent: 'save', ok: true, channelId: result.data.channel.id, channelName: result.data.channel.name, signingSecret: result.data.signingSecret });
}

export async function channelAction(args: ActionFunctionArgs, kind: string) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  if (intent === 'test') {
    const result = outcome((await gql(args, Test, { id })).testAlertChannel);
    if (!result.ok) return failed(intent, result.fieldErrors, result.formError);
    return data<ChannelSaveResult>({ intent, ok: true });
  }
  if (intent !== 'save') return failed(intent, {}, `Unknown action “${intent}”.`);
  const read = readChannelUpdateForm(form, kind);
  if (!read.ok) return failed(intent, read.fieldErrors);
  const result = outcome((await gql(args, Update, { id, input: read.input })).updateAlertChannel);
  if (!result.ok) return failed(intent, result.fieldErrors, result.formError);
  return data<ChannelSaveResult>({ intent, ok: true, channelId: id, signingSecret: result.data.signingSecret });
}
