-- CreateEnum
CREATE TYPE "NavigationOverrideAction" AS ENUM ('HIDE', 'RENAME', 'REORDER', 'ADD');

-- CreateTable
CREATE TABLE "NavigationItem" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "icon" TEXT,
    "path" TEXT NOT NULL,
    "order" INTEGER NOT NULL DEFAULT 0,
    "parentId" UUID,
    "requiredEntitlement" TEXT,
    "requiredFlag" TEXT,
    "visible" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NavigationItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NavigationTenantOverride" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "itemKey" TEXT NOT NULL,
    "action" "NavigationOverrideAction" NOT NULL,
    "label" TEXT,
    "icon" TEXT,
    "path" TEXT,
    "parentKey" TEXT,
    "order" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "NavigationTenantOverride_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NavigationItem_key_key" ON "NavigationItem"("key");

-- CreateIndex
CREATE INDEX "NavigationItem_parentId_order_idx" ON "NavigationItem"("parentId", "order");

-- CreateIndex
CREATE INDEX "NavigationTenantOverride_itemKey_idx" ON "NavigationTenantOverride"("itemKey");

-- CreateIndex
CREATE UNIQUE INDEX "NavigationTenantOverride_tenantId_itemKey_action_key" ON "NavigationTenantOverride"("tenantId", "itemKey", "action");

-- AddForeignKey
ALTER TABLE "NavigationItem" ADD CONSTRAINT "NavigationItem_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "NavigationItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NavigationTenantOverride" ADD CONSTRAINT "NavigationTenantOverride_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
