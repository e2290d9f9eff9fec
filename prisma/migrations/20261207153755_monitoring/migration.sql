-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('INFO', 'WARNING', 'CRITICAL');

-- CreateEnum
CREATE TYPE "AlertOperator" AS ENUM ('GT', 'GTE', 'LT', 'LTE', 'EQ', 'NEQ');

-- CreateEnum
CREATE TYPE "AlertSignal" AS ENUM ('METRIC', 'JOB_SUCCESS_RATE', 'JOB_DURATION_P95', 'JOB_FAILURES_IN_A_ROW', 'JOB_SECONDS_SINCE_SUCCESS', 'JOB_MIN_DURATION');

-- CreateEnum
CREATE TYPE "AlertNoData" AS ENUM ('OK', 'ALERTING', 'KEEP_STATE');

-- CreateEnum
CREATE TYPE "AlertState" AS ENUM ('PENDING', 'FIRING', 'RESOLVED');

-- CreateEnum
CREATE TYPE "AlertEventKind" AS ENUM ('PENDING', 'FIRING', 'RESOLVED', 'ACKNOWLEDGED', 'NOTIFIED', 'REPEATED');

-- CreateEnum
CREATE TYPE "AlertChannelKind" AS ENUM ('EMAIL', 'SLACK', 'WEBHOOK', 'TICKET');

-- CreateEnum
CREATE TYPE "AlertDeliveryStatus" AS ENUM ('PENDING', 'SENT', 'FAILED', 'DEAD');

-- CreateEnum
CREATE TYPE "MetricAggregation" AS ENUM ('AVG', 'MIN', 'MAX', 'SUM', 'COUNT', 'P95');

-- CreateTable
CREATE TABLE "AlertRule" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "signal" "AlertSignal" NOT NULL DEFAULT 'METRIC',
    "metric" TEXT,
    "task" TEXT,
    "labelFilter" JSONB NOT NULL DEFAULT '{}',
    "groupBy" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "aggregation" "MetricAggregation" NOT NULL DEFAULT 'AVG',
    "windowSeconds" INTEGER NOT NULL DEFAULT 300,
    "operator" "AlertOperator" NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "pendingSeconds" INTEGER NOT NULL DEFAULT 0,
    "keepFiringSeconds" INTEGER NOT NULL DEFAULT 0,
    "repeatIntervalSeconds" INTEGER NOT NULL DEFAULT 3600,
    "severity" "AlertSeverity" NOT NULL DEFAULT 'WARNING',
    "noData" "AlertNoData" NOT NULL DEFAULT 'OK',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "tenantId" UUID,
    "tenantVisible" BOOLEAN NOT NULL DEFAULT false,
    "silencedUntil" TIMESTAMPTZ(3),
    "silencedById" UUID,
    "lastEvaluatedAt" TIMESTAMPTZ(3),
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertChannelKind" NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secretEncrypted" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastTestedAt" TIMESTAMPTZ(3),
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AlertChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertRuleChannel" (
    "ruleId" UUID NOT NULL,
    "channelId" UUID NOT NULL,

    CONSTRAINT "AlertRuleChannel_pkey" PRIMARY KEY ("ruleId","channelId")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" UUID NOT NULL,
    "ruleId" UUID NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "labelsKey" TEXT NOT NULL DEFAULT '',
    "tenantId" UUID,
    "tenantVisible" BOOLEAN NOT NULL DEFAULT false,
    "severity" "AlertSeverity" NOT NULL,
    "state" "AlertState" NOT NULL DEFAULT 'PENDING',
    "value" DOUBLE PRECISION,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "firedAt" TIMESTAMPTZ(3),
    "resolvedAt" TIMESTAMPTZ(3),
    "resolvedById" UUID,
    "lastTrueAt" TIMESTAMPTZ(3),
    "lastEvaluatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" TIMESTAMPTZ(3),
    "acknowledgedById" UUID,
    "acknowledgeNote" TEXT,
    "lastNotifiedAt" TIMESTAMPTZ(3),
    "ticketId" UUID,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertEvent" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "alertId" UUID NOT NULL,
    "ruleId" UUID NOT NULL,
    "kind" "AlertEventKind" NOT NULL,
    "fromState" "AlertState",
    "toState" "AlertState",
    "value" DOUBLE PRECISION,
    "actorId" UUID,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" UUID NOT NULL,
    "alertId" UUID,
    "channelId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "AlertDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "responseStatus" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "nextAttemptAt" TIMESTAMPTZ(3),

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricSeries" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "key" TEXT NOT NULL,
    "tenantId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAt" TIMESTAMPTZ(3),

    CONSTRAINT "MetricSeries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricPoint" (
    "seriesId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "MetricPoint_pkey" PRIMARY KEY ("seriesId","at")
);

-- CreateTable
CREATE TABLE "MetricRollup" (
    "seriesId" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "p95" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("seriesId","hour")
);

-- CreateTable
CREATE TABLE "MonitoringSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "rawRetentionDays" INTEGER NOT NULL DEFAULT 7,
    "rollupRetentionDays" INTEGER NOT NULL DEFAULT 400,
    "evaluationIntervalSecs" INTEGER NOT NULL DEFAULT 15,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedById" UUID,

    CONSTRAINT "MonitoringSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AlertRule_name_key" ON "AlertRule"("name");

-- CreateIndex
CREATE INDEX "AlertRule_metric_idx" ON "AlertRule"("metric");

-- CreateIndex
CREATE INDEX "AlertRule_task_idx" ON "AlertRule"("task");

-- CreateIndex
CREATE INDEX "AlertRule_tenantId_idx" ON "AlertRule"("tenantId");

-- CreateIndex
CREATE INDEX "AlertRule_createdAt_id_idx" ON "AlertRule"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "AlertChannel_name_key" ON "AlertChannel"("name");

-- CreateIndex
CREATE INDEX "AlertRuleChannel_channelId_idx" ON "AlertRuleChannel"("channelId");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_ticketId_key" ON "Alert"("ticketId");

-- CreateIndex
CREATE INDEX "Alert_state_startedAt_idx" ON "Alert"("state", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "Alert_ruleId_startedAt_idx" ON "Alert"("ruleId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "Alert_tenantId_startedAt_idx" ON "Alert"("tenantId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "Alert_startedAt_id_idx" ON "Alert"("startedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "AlertEvent_alertId_at_seq_idx" ON "AlertEvent"("alertId", "at", "seq");

-- CreateIndex
CREATE INDEX "AlertEvent_ruleId_at_idx" ON "AlertEvent"("ruleId", "at" DESC);

-- CreateIndex
CREATE INDEX "AlertDelivery_alertId_createdAt_idx" ON "AlertDelivery"("alertId", "createdAt");

-- CreateIndex
CREATE INDEX "AlertDelivery_channelId_createdAt_idx" ON "AlertDelivery"("channelId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AlertDelivery_status_createdAt_idx" ON "AlertDelivery"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "MetricSeries_key_key" ON "MetricSeries"("key");

-- CreateIndex
CREATE INDEX "MetricSeries_name_tenantId_idx" ON "MetricSeries"("name", "tenantId");

-- CreateIndex
CREATE INDEX "MetricSeries_tenantId_idx" ON "MetricSeries"("tenantId");

-- CreateIndex
CREATE INDEX "MetricSeries_labels_idx" ON "MetricSeries" USING GIN ("labels");

-- CreateIndex
CREATE INDEX "MetricPoint_at_idx" ON "MetricPoint" USING BRIN ("at");

-- CreateIndex
CREATE INDEX "MetricRollup_hour_idx" ON "MetricRollup" USING BRIN ("hour");

-- AddForeignKey
ALTER TABLE "AlertRule" ADD CONSTRAINT "AlertRule_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertRuleChannel" ADD CONSTRAINT "AlertRuleChannel_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertRuleChannel" ADD CONSTRAINT "AlertRuleChannel_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "AlertChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_acknowledgedById_fkey" FOREIGN KEY ("acknowledgedById") REFERENCES "AdminUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertEvent" ADD CONSTRAINT "AlertEvent_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertEvent" ADD CONSTRAINT "AlertEvent_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "AlertChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricSeries" ADD CONSTRAINT "MetricSeries_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricPoint" ADD CONSTRAINT "MetricPoint_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "MetricSeries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricRollup" ADD CONSTRAINT "MetricRollup_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "MetricSeries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- At most one open (PENDING or FIRING) alert per rule and label set: concurrent evaluations conflict here.
CREATE UNIQUE INDEX "Alert_open_rule_labels_key" ON "Alert"("ruleId", "labelsKey") WHERE "state" IN ('PENDING', 'FIRING');
