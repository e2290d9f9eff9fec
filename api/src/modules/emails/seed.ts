import type { SystemScope } from '../../scope.ts';
import { createTemplate } from './service.ts';

/** Two demo templates: a welcome email and a transactional-required password reset. */
export async function seedEmails(scope: SystemScope): Promise<string[]> {
  await createTemplate(scope, {
    key: 'welcome', name: 'Welcome', description: 'Sent when a user signs up.',
    subject: 'Welcome to {{product}}, {{name}}',
    html: '<h1>Welcome, {{name}}!</h1>\n<p>Thanks for joining {{product}}.</p>\n{{#if tips}}<ul>{{#each tips as |tip|}}<li>{{tip}}</li>{{/each}}</ul>{{/if}}',
    text: 'Welcome, {{name}}!\n\nThanks for joining {{product}}.',
    variables: [
      { name: 'name', sample: 'Ada', description: "The user's first name." },
      { name: 'product', sample: 'Opsgraph', description: 'Product name.' },
      { name: 'tips', sample: ['Invite your team', 'Connect Stripe'], description: 'Getting-started tips.' },
    ],
  });
  await createTemplate(scope, {
    key: 'password-reset', name: 'Password reset', transactionalRequired: true,
    subject: 'Reset your password',
    html: '<p>Hello {{name}}, <a href="{{url}}">reset your password</a>. The link expires in an hour.</p>',
    text: 'Hello {{name}}, reset your password: {{url}} (expires in an hour)',
    variables: [{ name: 'name', sample: 'Ada' }, { name: 'url', sample: 'https://app.example/reset/abc' }],
  });
  return ['2 email templates: welcome, password-reset'];
}
