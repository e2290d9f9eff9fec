// The settings page's form names: one form per agent row.
const AGENT = 'agent-';

export const agentIntent = (adminId: string) => `${AGENT}${adminId}`;

/** The admin id an agent row's intent names, or null for any other form. */
export function agentOfIntent(intent: string): string | null {
  return intent.startsWith(AGENT) && intent.length > AGENT.length ? intent.slice(AGENT.length) : null;
}
