-- CreateEnum
CREATE TYPE "FlagType" AS ENUM ('BOOLEAN', 'STRING', 'NUMBER', 'JSON');

-- CreateEnum
CREATE TYPE "FlagStickiness" AS ENUM ('TENANT', 'USER');

-- CreateEnum
CREATE TYPE "FlagScheduledChangeKind" AS ENUM ('ENABLE', 'DISABLE', 'SET_ROLLOUT');

-- CreateEnum
CREATE TYPE "FlagScheduledChangeStatus" AS ENUM ('PENDING', 'APPLIED', 'CANCELLED', 'FAILED');

-- CreateTable
CREATE TABLE "Flag" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "type" "FlagType" NOT NULL,
    "variants" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "jsonSchema" JSONB,
    "defaultValue" JSONB NOT NULL,
    "onValue" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "owner" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rules" JSONB NOT NULL DEFAULT '[]',
    "rolloutBasisPoints" INTEGER,
    "rolloutStickiness" "FlagStickiness" NOT NULL DEFAULT 'TENANT',
    "entitlement" TEXT,
    "staleAfterDays" INTEGER NOT NULL DEFAULT 30,
    "lastEvaluatedAt" TIMESTAMPTZ(3),
    "staleAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Flag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlagSafeguardRule" (
    "flagId" UUID NOT NULL,
    "alertRuleId" UUID NOT NULL,

    CONSTRAINT "FlagSafeguardRule_pkey" PRIMARY KEY ("flagId","alertRuleId")
);

-- CreateTable
CREATE TABLE "FlagTenantOverride" (
    "id" UUID NOT NULL,
    "flagId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "value" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FlagTenantOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlagUserOverride" (
    "id" UUID NOT NULL,
    "flagId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "externalUserId" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FlagUserOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlagScheduledChange" (
    "id" UUID NOT NULL,
    "flagId" UUID NOT NULL,
    "kind" "FlagScheduledChangeKind" NOT NULL,
    "basisPoints" INTEGER,
    "stickiness" "FlagStickiness",
    "runAt" TIMESTAMPTZ(3) NOT NULL,
    "status" "FlagScheduledChangeStatus" NOT NULL DEFAULT 'PENDING',
    "appliedAt" TIMESTAMPTZ(3),
    "error" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FlagScheduledChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlagSafeguardPause" (
    "id" UUID NOT NULL,
    "flagId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "alertRuleId" UUID NOT NULL,
    "alertId" UUID NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "FlagSafeguardPause_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlagEvaluationDaily" (
    "flagId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "FlagEvaluationDaily_pkey" PRIMARY KEY ("flagId","tenantId","day")
);

-- CreateTable
CREATE TABLE "FlagCatalog" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "revision" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "FlagCatalog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlagTenantState" (
    "tenantId" UUID NOT NULL,
    "revision" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "FlagTenantState_pkey" PRIMARY KEY ("tenantId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Flag_key_key" ON "Flag"("key");

-- CreateIndex
CREATE INDEX "Flag_createdAt_id_idx" ON "Flag"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Flag_staleAt_idx" ON "Flag"("staleAt");

-- CreateIndex
CREATE INDEX "FlagSafeguardRule_alertRuleId_idx" ON "FlagSafeguardRule"("alertRuleId");

-- CreateIndex
CREATE INDEX "FlagTenantOverride_tenantId_idx" ON "FlagTenantOverride"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "FlagTenantOverride_flagId_tenantId_key" ON "FlagTenantOverride"("flagId", "tenantId");

-- CreateIndex
CREATE INDEX "FlagUserOverride_tenantId_externalUserId_idx" ON "FlagUserOverride"("tenantId", "externalUserId");

-- CreateIndex
CREATE UNIQUE INDEX "FlagUserOverride_flagId_tenantId_externalUserId_key" ON "FlagUserOverride"("flagId", "tenantId", "externalUserId");

-- CreateIndex
CREATE INDEX "FlagScheduledChange_flagId_runAt_idx" ON "FlagScheduledChange"("flagId", "runAt");

-- CreateIndex
CREATE INDEX "FlagSafeguardPause_tenantId_endedAt_idx" ON "FlagSafeguardPause"("tenantId", "endedAt");

-- CreateIndex
CREATE INDEX "FlagSafeguardPause_flagId_endedAt_idx" ON "FlagSafeguardPause"("flagId", "endedAt");

-- CreateIndex
CREATE UNIQUE INDEX "FlagSafeguardPause_flagId_alertId_key" ON "FlagSafeguardPause"("flagId", "alertId");

-- CreateIndex
CREATE INDEX "FlagEvaluationDaily_flagId_day_idx" ON "FlagEvaluationDaily"("flagId", "day");

-- AddForeignKey
ALTER TABLE "FlagSafeguardRule" ADD CONSTRAINT "FlagSafeguardRule_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagSafeguardRule" ADD CONSTRAINT "FlagSafeguardRule_alertRuleId_fkey" FOREIGN KEY ("alertRuleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagTenantOverride" ADD CONSTRAINT "FlagTenantOverride_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagTenantOverride" ADD CONSTRAINT "FlagTenantOverride_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagUserOverride" ADD CONSTRAINT "FlagUserOverride_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagUserOverride" ADD CONSTRAINT "FlagUserOverride_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagScheduledChange" ADD CONSTRAINT "FlagScheduledChange_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagSafeguardPause" ADD CONSTRAINT "FlagSafeguardPause_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagSafeguardPause" ADD CONSTRAINT "FlagSafeguardPause_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagSafeguardPause" ADD CONSTRAINT "FlagSafeguardPause_alertRuleId_fkey" FOREIGN KEY ("alertRuleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagEvaluationDaily" ADD CONSTRAINT "FlagEvaluationDaily_flagId_fkey" FOREIGN KEY ("flagId") REFERENCES "Flag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FlagTenantState" ADD CONSTRAINT "FlagTenantState_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
