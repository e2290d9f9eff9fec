import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { clearedSessionCookie, sessionToken } from '../session.server.ts';

const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

export async function action(args: ActionFunctionArgs) {
  const token = sessionToken(args.request);
  // Ends the session on the API too, so a copied cookie stops working; a dead session is fine here.
  if (token) await gql(args, LogoutMutation, {}, { token }).catch(() => null);
  return redirect('/login', { headers: { 'set-cookie': clearedSessionCookie(args.context) } });
}

export function loader() {
  return redirect('/');
}
