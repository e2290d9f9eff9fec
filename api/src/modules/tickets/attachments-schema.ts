import { builder } from '../../graphql/builder.ts';
import { downloadUrl } from './attachments.ts';

/** A file on a comment; tenants see those on the public comments of their own tickets. */
export const TicketAttachmentRef = builder.prismaObject('TicketAttachment', {
  subGraphs: ['admin', 'tenant'],
  select: { id: true, filename: true, contentType: true, size: true, createdAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (a) => a.id }),
    filename: t.string({ resolve: (a) => a.filename }),
    contentType: t.string({ description: 'Sniffed from the bytes when uploaded.', resolve: (a) => a.contentType }),
    size: t.int({ description: 'Bytes.', resolve: (a) => a.size }),
    createdAt: t.field({ type: 'DateTime', resolve: (a) => a.createdAt }),
    downloadUrl: t.string({
      description: "GET it with the admin session or the owning tenant's key; served as a download.",
      resolve: (a) => downloadUrl(a.id),
    }),
  }),
});
