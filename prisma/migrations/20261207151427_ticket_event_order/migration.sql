-- DropIndex
DROP INDEX "TicketEvent_ticketId_createdAt_id_idx";

-- AlterTable
ALTER TABLE "TicketEvent" ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE INDEX "TicketEvent_ticketId_seq_idx" ON "TicketEvent"("ticketId", "seq");
