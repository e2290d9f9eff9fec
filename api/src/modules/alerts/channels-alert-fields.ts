// The channels' fields on the alerts' own types (Alert, AlertRule) and the ticket's link back to its alert.
// Loaded after the alerts schema registered those types.
import { builder } from '../../graphql/builder.ts';
import { AlertChannelRef, MAX_DELIVERIES } from './channels-schema.ts';

const bounded = (first: number | null | undefined, fallback: number) => Math.max(0, Math.min(first ?? fallback, MAX_DELIVERIES));

builder.prismaObjectField('Alert', 'deliveries', (t) =>
  t.relation('deliveries', {
    description: `The alert's delivery log: every notification through every channel, oldest first (up to ${MAX_DELIVERIES}).`,
    args: { first: t.arg.int({ required: false, defaultValue: 50 }) },
    query: ({ first }) => ({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: bounded(first, 50) }),
  }),
);

builder.prismaObjectFields('AlertRule', (t) => ({
  channels: t.field({
    type: [AlertChannelRef],
    description: 'Where its notifications go, by name.',
    select: (_args, _ctx, nested) => ({ channels: { select: { channel: nested(true) }, orderBy: { channel: { name: 'asc' } } } }),
    resolve: (rule) => rule.channels.map((c) => c.channel),
  }),
}));

builder.prismaObjectField('Ticket', 'alert', (t) =>
  t.relation('alert', { nullable: true, description: 'The alert whose TICKET channel opened it.' }),
);
