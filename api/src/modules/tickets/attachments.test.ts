import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { updateTicketSettings } from './assignment.ts';
import { pruneUnlinkedAttachments, sniffContentType } from './attachments.ts';

let p: TestPlatform;
let a: { tenantId: string; apiKey: string; ticketId: string };
let b: { tenantId: string; apiKey: string; ticketId: string };
let admin: { token: string; userId: string };

async function tenantWithTicket() {
  const { tenantId, apiKey } = await p.makeTenant();
  const requester = await p.app.prisma.user.create({ data: { tenantId, externalId: 'req', email: 'req@t.example' } });
  const ticket = await p.app.prisma.ticket.create({ data: { tenantId, requesterId: requester.id, subject: 'Broken', description: 'It broke', source: 'TENANT_API' } });
  return { tenantId, apiKey, ticketId: ticket.id };
}

beforeAll(async () => {
  p = await startPlatform();
  a = await tenantWithTicket();
  b = await tenantWithTicket();
  admin = await p.login('SUPPORT');
});
afterAll(() => p.close());

const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
  Buffer.from('0000000d4944415478da63f8ffff3f0005fe02fea7d6a48e0000000049454e44ae426082', 'hex'),
]);
/** The start of a 64-bit Linux executable. */
const ELF = Buffer.concat([Buffer.from('7f454c46020101000000000000000000020003000100000000', 'hex'), Buffer.alloc(100, 1)]);
/** The start of a Windows executable: the MZ stub pointing at a PE header. */
function pe(): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  bytes.writeUInt16LE(0x14c, 0x84);
  return bytes;
}

async function upload(token: string | null, ticketId: string, filename: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.url}/tickets/${ticketId}/attachments?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/octet-stream', ...headers },
    body,
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, body: (await res.json()) as any };
}

function download(token: string | null, id: string) {
  return fetch(`${p.url}/tickets/attachments/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

const COMMENT = `mutation($id: ID!, $input: TicketCommentInput!) { commentOnTicket(id: $id, input: $input) {
  __typename ... on ValidationError { fieldErrors { field } } } }`;

/** An admin's comment on the ticket with the uploads linked to it; returns the result's type name. */
async function comment(ticket: { ticketId: string }, internal: boolean, attachmentIds: string[]) {
  const res = await p.gql(COMMENT, { id: ticket.ticketId, input: { body: 'See attached', internal, attachmentIds } }, admin.token);
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.commentOnTicket as { __typename: string; fieldErrors?: { field: string }[] };
}

describe('attachment uploads', () => {
  it('stores an upload with its sniffed type, size and sha256, not yet on a comment', async () => {
    const res = await upload(a.apiKey, a.ticketId, 'dir/../screen shot.png', PNG);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), filename: 'screen shot.png', contentType: 'image/png', size: PNG.length });
    const row = await p.app.prisma.ticketAttachment.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row).toMatchObject({ tenantId: a.tenantId, ticketId: a.ticketId, commentId: null, storage: 'postgres', uploadedByType: 'REQUESTER' });
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    const blob = await p.app.prisma.ticketAttachmentBlob.findUniqueOrThrow({ where: { key: row.storageKey } });
    expect(Buffer.from(blob.data).equals(PNG)).toBe(true);
  });

  it('sniffs the bytes, not the name: text named .png is text/plain; executables and unknown binaries are refused', async () => {
    const text = await upload(admin.token, a.ticketId, 'fake.png', 'just some text, héllo');
    expect(text.body).toMatchObject({ contentType: 'text/plain', filename: 'fake.png' });
    for (const [name, bytes, detected] of [['tool.png', ELF, 'application/x-elf'], ['setup.txt', pe(), 'application/x-msdownload']] as const) {
      const refused = await upload(admin.token, a.ticketId, name, new Uint8Array(bytes));
      expect(refused.status, name).toBe(415);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', detected });
    }
    const binary = await upload(admin.token, a.ticketId, 'blob.bin', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]));
    expect(binary.status).toBe(415);
    await expect(sniffContentType(Buffer.from('a\u0000b'))).rejects.toThrow(/recognised/);
    expect(await p.app.prisma.ticketAttachment.count({ where: { filename: { in: ['tool.png', 'setup.txt', 'blob.bin'] } } })).toBe(0);
  });

  it('refuses an upload over the size limit, declared or streamed', async () => {
    await updateTicketSettings(p.system, { attachmentMaxBytes: 2048 });
    try {
      const declared = await upload(a.apiKey, a.ticketId, 'big.txt', 'x'.repeat(3000));
      expect(declared.status).toBe(413);
      expect(declared.body.errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 2048 });
      const chunks = ['x'.repeat(1500), 'y'.repeat(1500)];
      const stream = new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(new TextEncoder().encode(next));
          else controller.close();
        },
      });
      const streamed = await upload(a.apiKey, a.ticketId, 'big.txt', stream);
      expect(streamed.status).toBe(413);
      expect((await upload(a.apiKey, a.ticketId, 'fits.txt', 'x'.repeat(2048))).status).toBe(201);
    } finally {
      await updateTicketSettings(p.system, { attachmentMaxBytes: 10 * 1024 * 1024 });
    }
  });

  it("authorises admins who may write tickets and the owning tenant's key only", async () => {
    expect((await upload(null, a.ticketId, 'a.txt', 'hi')).status).toBe(401);
    expect((await upload('ogk_nonsense', a.ticketId, 'a.txt', 'hi')).status).toBe(401);
    const viewer = await p.login('VIEWER');
    expect((await upload(viewer.token, a.ticketId, 'a.txt', 'hi')).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const other = await upload(b.apiKey, a.ticketId, 'a.txt', 'hi');
    expect(other.status).toBe(404);
    expect(other.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const bad = await upload(admin.token, 'not-a-uuid', '', 'hi');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.fieldErrors.map((e: { path: string[] }) => e.path[0]).sort()).toEqual(['filename', 'ticketId']);
    expect((await upload(admin.token, a.ticketId, 'empty.txt', '')).status).toBe(400);
  });
});

describe('attachment downloads', () => {
  it("serves admins any attachment, and tenants only those on public comments of their own tickets", async () => {
    const onPublic = (await upload(a.apiKey, a.ticketId, 'notes.txt', 'public notes')).body.id as string;
    const onInternal = (await upload(admin.token, a.ticketId, 'internal.txt', 'internal notes')).body.id as string;
    const unlinked = (await upload(a.apiKey, a.ticketId, 'draft.txt', 'draft')).body.id as string;
    const ofB = (await upload(b.apiKey, b.ticketId, 'b.txt', 'tenant b')).body.id as string;
    expect((await comment(a, false, [onPublic])).__typename).toBe('MutationCommentOnTicketSuccess');
    expect((await comment(a, true, [onInternal])).__typename).toBe('MutationCommentOnTicketSuccess');
    expect((await comment(b, false, [ofB])).__typename).toBe('MutationCommentOnTicketSuccess');

    const own = await download(a.apiKey, onPublic);
    expect(own.status).toBe(200);
    expect(await own.text()).toBe('public notes');
    expect(own.headers.get('content-type')).toBe('text/plain');
    expect(own.headers.get('content-disposition')).toBe(`attachment; filename="notes.txt"; filename*=UTF-8''notes.txt`);
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');

    for (const [what, id] of [['an internal note', onInternal], ['an unlinked upload', unlinked], ["tenant B's", ofB]] as const) {
      const res = await download(a.apiKey, id);
      expect(res.status, what).toBe(404);
      expect(((await res.json()) as any).errors[0].extensions.code, what).toBe('NOT_FOUND');
    }
    expect((await download(b.apiKey, onPublic)).status).toBe(404);
    expect((await download(null, onPublic)).status).toBe(401);
    expect((await download(a.apiKey, 'nope')).status).toBe(404);

    const viewer = await p.login('VIEWER');
    for (const id of [onInternal, unlinked, ofB]) expect((await download(viewer.token, id)).status).toBe(200);
  });
});

describe('linking and cleanup', () => {
  it('links only unlinked uploads of the same ticket, naming the field otherwise', async () => {
    const mine = (await upload(admin.token, a.ticketId, 'one.txt', 'one')).body.id as string;
    const elsewhere = (await upload(admin.token, b.ticketId, 'two.txt', 'two')).body.id as string;
    expect(await comment(a, false, [mine, elsewhere])).toEqual({ __typename: 'ValidationError', fieldErrors: [{ field: 'input.attachmentIds' }] });
    expect((await comment(a, false, [mine])).__typename).toBe('MutationCommentOnTicketSuccess');
    expect((await comment(a, false, [mine])).__typename).toBe('ValidationError');
  });

  it("a tenant's reply carries its upload, which the tenant graph lists with a URL the tenant's key downloads", async () => {
    const uploaded = (await upload(a.apiKey, a.ticketId, 'log.txt', 'the log')).body.id as string;
    const reply = await p.gql(
      `mutation($id: ID!, $input: TicketReplyInput!) { replyToTicket(id: $id, input: $input) { __typename } }`,
      { id: a.ticketId, input: { body: 'Log attached', attachmentIds: [uploaded] } },
      a.apiKey,
    );
    expect(reply.data!.replyToTicket.__typename).toBe('MutationReplyToTicketSuccess');
    const read = await p.gql(`query($id: ID!) { viewer { ticket(id: $id) { comments { attachments { id filename contentType size downloadUrl } } } } }`, { id: a.ticketId }, a.apiKey);
    const files = read.data!.viewer.ticket.comments.flatMap((c: { attachments: unknown[] }) => c.attachments);
    const file = files.find((f: { id: string }) => f.id === uploaded);
    expect(file).toEqual({ id: uploaded, filename: 'log.txt', contentType: 'text/plain', size: 7, downloadUrl: `/tickets/attachments/${uploaded}` });
    const res = await fetch(`${p.url}${file.downloadUrl}`, { headers: { authorization: `Bearer ${a.apiKey}` } });
    expect(await res.text()).toBe('the log');
    expect((await fetch(`${p.url}${file.downloadUrl}`, { headers: { authorization: `Bearer ${b.apiKey}` } })).status).toBe(404);
  });

  it('removes uploads never linked after a day, with their bytes, and keeps linked ones', async () => {
    const stale = (await upload(admin.token, a.ticketId, 'stale.txt', 'stale')).body.id as string;
    const linked = (await upload(admin.token, a.ticketId, 'kept.txt', 'kept')).body.id as string;
    const fresh = (await upload(admin.token, a.ticketId, 'fresh.txt', 'fresh')).body.id as string;
    expect((await comment(a, false, [linked])).__typename).toBe('MutationCommentOnTicketSuccess');
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await p.app.prisma.ticketAttachment.updateMany({ where: { id: { in: [stale, linked] } }, data: { createdAt: dayAgo } });
    const removed = await pruneUnlinkedAttachments(p.system);
    expect(removed).toBeGreaterThanOrEqual(1);
    const left = await p.app.prisma.ticketAttachment.findMany({ where: { id: { in: [stale, linked, fresh] } } });
    expect(left.map((r) => r.id).sort()).toEqual([linked, fresh].sort());
    expect(await p.app.prisma.ticketAttachmentBlob.findUnique({ where: { key: stale } })).toBeNull();
    expect(await p.app.prisma.ticketAttachmentBlob.findUnique({ where: { key: linked } })).not.toBeNull();
  });
});
