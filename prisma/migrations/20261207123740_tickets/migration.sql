-- CreateEnum
CREATE TYPE "TicketStatus" AS ENUM ('NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'RESOLVED', 'CLOSED');

-- CreateEnum
CREATE TYPE "TicketPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'URGENT');

-- CreateEnum
CREATE TYPE "TicketSource" AS ENUM ('TENANT_API', 'ADMIN', 'EMAIL', 'ALERT');

-- CreateEnum
CREATE TYPE "SlaState" AS ENUM ('OK', 'AT_RISK', 'BREACHED', 'PAUSED', 'MET');

-- CreateEnum
CREATE TYPE "SlaTarget" AS ENUM ('FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION');

-- CreateEnum
CREATE TYPE "TicketActorType" AS ENUM ('ADMIN', 'REQUESTER', 'SYSTEM');

-- CreateEnum
CREATE TYPE "TicketEventKind" AS ENUM ('CREATED', 'STATUS_CHANGED', 'PRIORITY_CHANGED', 'ASSIGNED', 'UNASSIGNED', 'TAGS_CHANGED', 'CATEGORY_CHANGED', 'SUBJECT_CHANGED', 'COMMENTED', 'INTERNAL_NOTE', 'SLA_POLICY_APPLIED', 'SLA_AT_RISK', 'SLA_BREACHED', 'SLA_MET', 'ESCALATED');

-- CreateEnum
CREATE TYPE "AssignmentStrategy" AS ENUM ('OFF', 'ROUND_ROBIN', 'LEAST_LOADED');

-- CreateTable
CREATE TABLE "Ticket" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "tenantId" UUID NOT NULL,
    "requesterId" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "priority" "TicketPriority" NOT NULL DEFAULT 'NORMAL',
    "status" "TicketStatus" NOT NULL DEFAULT 'NEW',
    "source" "TicketSource" NOT NULL,
    "assigneeId" UUID,
    "assignedAt" TIMESTAMPTZ(3),
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "firstRespondedAt" TIMESTAMPTZ(3),
    "awaitingReplySince" TIMESTAMPTZ(3),
    "lastActivityAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3),
    "slaPolicyId" UUID,
    "firstResponseDueAt" TIMESTAMPTZ(3),
    "nextResponseDueAt" TIMESTAMPTZ(3),
    "resolutionDueAt" TIMESTAMPTZ(3),
    "slaDueAt" TIMESTAMPTZ(3),
    "slaState" "SlaState" NOT NULL DEFAULT 'OK',
    "searchPublic" tsvector,
    "searchInternal" tsvector,

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketComment" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "authorType" "TicketActorType" NOT NULL,
    "authorAdminId" UUID,
    "authorUserId" UUID,
    "body" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketComment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketAttachment" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "commentId" UUID,
    "filename" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storage" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "uploadedByType" "TicketActorType" NOT NULL,
    "uploadedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketAttachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketAttachmentBlob" (
    "key" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketAttachmentBlob_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "TicketEvent" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "kind" "TicketEventKind" NOT NULL,
    "actorType" "TicketActorType" NOT NULL,
    "actorAdminId" UUID,
    "actorUserId" UUID,
    "from" JSONB,
    "to" JSONB,
    "message" TEXT,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlaCalendar" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "weeklyHours" JSONB NOT NULL,
    "holidays" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SlaCalendar_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlaPolicy" (
    "id" UUID NOT NULL,
    "planId" UUID NOT NULL,
    "priority" "TicketPriority" NOT NULL,
    "calendarId" UUID NOT NULL,
    "firstResponseMinutes" INTEGER NOT NULL,
    "nextResponseMinutes" INTEGER NOT NULL,
    "resolutionMinutes" INTEGER NOT NULL,
    "escalateTo" "TicketPriority",
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SlaPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketSlaClock" (
    "ticketId" UUID NOT NULL,
    "target" "SlaTarget" NOT NULL,
    "tenantId" UUID NOT NULL,
    "targetMinutes" INTEGER NOT NULL,
    "consumedSeconds" INTEGER NOT NULL DEFAULT 0,
    "runningSince" TIMESTAMPTZ(3),
    "atRiskAt" TIMESTAMPTZ(3),
    "dueAt" TIMESTAMPTZ(3),
    "state" "SlaState" NOT NULL DEFAULT 'OK',
    "assigneeId" UUID,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "metAt" TIMESTAMPTZ(3),
    "breachedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TicketSlaClock_pkey" PRIMARY KEY ("ticketId","target")
);

-- CreateTable
CREATE TABLE "AgentProfile" (
    "adminUserId" UUID NOT NULL,
    "available" BOOLEAN NOT NULL DEFAULT false,
    "capacity" INTEGER NOT NULL DEFAULT 20,
    "lastAssignedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AgentProfile_pkey" PRIMARY KEY ("adminUserId")
);

-- CreateTable
CREATE TABLE "TicketSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "assignmentStrategy" "AssignmentStrategy" NOT NULL DEFAULT 'OFF',
    "supportTeamEmail" TEXT,
    "attachmentMaxBytes" INTEGER NOT NULL DEFAULT 10485760,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TicketSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_number_key" ON "Ticket"("number");

-- CreateIndex
CREATE INDEX "Ticket_tenantId_createdAt_id_idx" ON "Ticket"("tenantId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Ticket_status_slaDueAt_id_idx" ON "Ticket"("status", "slaDueAt", "id");

-- CreateIndex
CREATE INDEX "Ticket_slaDueAt_id_idx" ON "Ticket"("slaDueAt", "id");

-- CreateIndex
CREATE INDEX "Ticket_createdAt_id_idx" ON "Ticket"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Ticket_updatedAt_id_idx" ON "Ticket"("updatedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Ticket_assigneeId_status_idx" ON "Ticket"("assigneeId", "status");

-- CreateIndex
CREATE INDEX "Ticket_requesterId_createdAt_idx" ON "Ticket"("requesterId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Ticket_tags_idx" ON "Ticket" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Ticket_searchPublic_idx" ON "Ticket" USING GIN ("searchPublic");

-- CreateIndex
CREATE INDEX "Ticket_searchInternal_idx" ON "Ticket" USING GIN ("searchInternal");

-- CreateIndex
CREATE INDEX "TicketComment_ticketId_createdAt_id_idx" ON "TicketComment"("ticketId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "TicketComment_ticketId_internal_createdAt_idx" ON "TicketComment"("ticketId", "internal", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "TicketComment_tenantId_createdAt_idx" ON "TicketComment"("tenantId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "TicketAttachment_ticketId_idx" ON "TicketAttachment"("ticketId");

-- CreateIndex
CREATE INDEX "TicketAttachment_commentId_idx" ON "TicketAttachment"("commentId");

-- CreateIndex
CREATE INDEX "TicketAttachment_commentId_createdAt_idx" ON "TicketAttachment"("commentId", "createdAt");

-- CreateIndex
CREATE INDEX "TicketEvent_ticketId_createdAt_id_idx" ON "TicketEvent"("ticketId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "TicketEvent_kind_createdAt_idx" ON "TicketEvent"("kind", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SlaCalendar_name_key" ON "SlaCalendar"("name");

-- CreateIndex
CREATE INDEX "SlaPolicy_calendarId_idx" ON "SlaPolicy"("calendarId");

-- CreateIndex
CREATE UNIQUE INDEX "SlaPolicy_planId_priority_key" ON "SlaPolicy"("planId", "priority");

-- CreateIndex
CREATE INDEX "TicketSlaClock_target_state_metAt_idx" ON "TicketSlaClock"("target", "state", "metAt");

-- CreateIndex
CREATE INDEX "TicketSlaClock_target_breachedAt_idx" ON "TicketSlaClock"("target", "breachedAt");

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "AdminUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "AdminUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_slaPolicyId_fkey" FOREIGN KEY ("slaPolicyId") REFERENCES "SlaPolicy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketComment" ADD CONSTRAINT "TicketComment_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketComment" ADD CONSTRAINT "TicketComment_authorAdminId_fkey" FOREIGN KEY ("authorAdminId") REFERENCES "AdminUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketComment" ADD CONSTRAINT "TicketComment_authorUserId_fkey" FOREIGN KEY ("authorUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketAttachment" ADD CONSTRAINT "TicketAttachment_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketAttachment" ADD CONSTRAINT "TicketAttachment_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "TicketComment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketEvent" ADD CONSTRAINT "TicketEvent_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketEvent" ADD CONSTRAINT "TicketEvent_actorAdminId_fkey" FOREIGN KEY ("actorAdminId") REFERENCES "AdminUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketEvent" ADD CONSTRAINT "TicketEvent_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaPolicy" ADD CONSTRAINT "SlaPolicy_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaPolicy" ADD CONSTRAINT "SlaPolicy_calendarId_fkey" FOREIGN KEY ("calendarId") REFERENCES "SlaCalendar"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketSlaClock" ADD CONSTRAINT "TicketSlaClock_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentProfile" ADD CONSTRAINT "AgentProfile_adminUserId_fkey" FOREIGN KEY ("adminUserId") REFERENCES "AdminUser"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Search vectors, kept by triggers so every write path (admin graph, tenant graph, jobs, bulk loads) keeps
-- them: the public vector holds the subject (weight A), the description (B) and public comments (C); the
-- internal one holds internal notes. Queries use the same configuration: websearch_to_tsquery('english', …).
CREATE FUNCTION "ticket_search_public"("t" "Ticket") RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(to_tsvector('english', coalesce(t."subject", '')), 'A')
      || setweight(to_tsvector('english', coalesce(t."description", '')), 'B')
      || coalesce((SELECT setweight(to_tsvector('english', string_agg(c."body", ' ')), 'C')
                     FROM "TicketComment" c WHERE c."ticketId" = t."id" AND NOT c."internal"), ''::tsvector)
$$;

CREATE FUNCTION "ticket_search_refresh"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchPublic" := "ticket_search_public"(NEW);
  RETURN NEW;
END
$$;

CREATE TRIGGER "ticket_search_refresh" BEFORE INSERT OR UPDATE OF "subject", "description" ON "Ticket"
  FOR EACH ROW EXECUTE FUNCTION "ticket_search_refresh"();

CREATE FUNCTION "ticket_comment_search_append"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."internal" THEN
    UPDATE "Ticket" SET "searchInternal" = coalesce("searchInternal", ''::tsvector) || to_tsvector('english', NEW."body")
     WHERE "id" = NEW."ticketId";
  ELSE
    UPDATE "Ticket" SET "searchPublic" = coalesce("searchPublic", ''::tsvector) || setweight(to_tsvector('english', NEW."body"), 'C')
     WHERE "id" = NEW."ticketId";
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "ticket_comment_search_append" AFTER INSERT ON "TicketComment"
  FOR EACH ROW EXECUTE FUNCTION "ticket_comment_search_append"();
ALTER SEQUENCE "Ticket_number_seq" RESTART WITH 1001;
