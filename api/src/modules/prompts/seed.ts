import type { SystemScope } from '../../scope.ts';
import { createPrompt, createPromptVersion } from './service.ts';

/** A support reply prompt with two versions (production on v1, staging on v2) and a summariser. */
export async function seedPrompts(scope: SystemScope): Promise<string[]> {
  const reply = await createPrompt(scope, {
    key: 'support.reply', name: 'Support reply', category: 'support', tags: ['tickets', 'email'],
    description: 'Drafts a reply to a customer ticket.',
    template: 'You are a support agent for {{product}}.\nReply to {{customer}} about: {{subject}}',
    variables: [
      { name: 'product', type: 'STRING', required: false, default: 'Opsgraph' },
      { name: 'customer', type: 'STRING', description: "The customer's first name." },
      { name: 'subject', type: 'STRING' },
    ],
    parameters: { model: 'gpt-4o-mini', temperature: 0.3 },
    changelog: 'First version.',
    labels: ['production'],
  });
  await createPromptVersion(scope, reply.id, {
    template: 'You are a friendly support agent for {{product}}.\nReply to {{customer}} about: {{subject}}\n{{#steps}}- {{.}}\n{{/steps}}',
    variables: [
      { name: 'product', type: 'STRING', required: false, default: 'Opsgraph' },
      { name: 'customer', type: 'STRING', description: "The customer's first name." },
      { name: 'subject', type: 'STRING' },
      { name: 'steps', type: 'LIST', required: false, description: 'Steps already tried.' },
    ],
    parameters: { model: 'gpt-4o-mini', temperature: 0.5 },
    changelog: 'Friendlier tone; lists the steps already tried.',
    labels: ['staging'],
  });
  await createPrompt(scope, {
    key: 'tickets.summary', name: 'Ticket summary', category: 'tickets', tags: ['tickets'],
    template: 'Summarise this ticket in at most {{words}} words:\n{{body}}',
    variables: [{ name: 'words', type: 'NUMBER', required: false, default: 50 }, { name: 'body', type: 'STRING' }],
    parameters: { model: 'gpt-4o-mini', temperature: 0 },
    labels: ['production'],
  });
  return ['2 prompts: support.reply (production v1, staging v2), tickets.summary'];
}
