import { builder } from '../../graphql/builder.ts';
import { downloadUrl } from './attachments.ts';

builder.prismaObjectFields('TicketAttachment', (t) => ({
  downloadUrl: t.string({
    subGraphs: ['admin', 'tenant'],
    description: "GET it with an admin session or the owning tenant's key (public comments only); served as a download.",
    resolve: (a) => downloadUrl(a.id),
  }),
}));
