import type { WebhookProvider } from '../../gql/graphql.ts';

// One pair of forms per provider, so each dialog shows only its own outcome.
export const setIntent = (provider: WebhookProvider) => `setSecret-${provider}`;
export const clearIntent = (provider: WebhookProvider) => `clearSecret-${provider}`;
