-- AlterTable
ALTER TABLE "TenantBilling" ADD COLUMN     "customerDeletedAt" TIMESTAMPTZ(3);
