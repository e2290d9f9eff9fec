-- CreateTable
CREATE TABLE "Prompt" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "category" TEXT NOT NULL DEFAULT 'general',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "latestVersion" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Prompt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromptVersion" (
    "id" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "template" TEXT NOT NULL,
    "variables" JSONB NOT NULL DEFAULT '[]',
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "changelog" TEXT NOT NULL DEFAULT '',
    "authorId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromptVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromptLabel" (
    "id" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "versionId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PromptLabel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromptTenantLabel" (
    "id" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "versionId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PromptTenantLabel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromptUsageDaily" (
    "versionId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PromptUsageDaily_pkey" PRIMARY KEY ("versionId","tenantId","day")
);

-- CreateIndex
CREATE UNIQUE INDEX "Prompt_key_key" ON "Prompt"("key");

-- CreateIndex
CREATE INDEX "Prompt_category_key_idx" ON "Prompt"("category", "key");

-- CreateIndex
CREATE INDEX "Prompt_createdAt_id_idx" ON "Prompt"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "PromptVersion_promptId_number_key" ON "PromptVersion"("promptId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "PromptVersion_promptId_id_key" ON "PromptVersion"("promptId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "PromptLabel_promptId_name_key" ON "PromptLabel"("promptId", "name");

-- CreateIndex
CREATE INDEX "PromptTenantLabel_tenantId_idx" ON "PromptTenantLabel"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "PromptTenantLabel_promptId_tenantId_name_key" ON "PromptTenantLabel"("promptId", "tenantId", "name");

-- CreateIndex
CREATE INDEX "PromptUsageDaily_tenantId_day_idx" ON "PromptUsageDaily"("tenantId", "day");

-- AddForeignKey
ALTER TABLE "PromptVersion" ADD CONSTRAINT "PromptVersion_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptVersion" ADD CONSTRAINT "PromptVersion_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "AdminUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptLabel" ADD CONSTRAINT "PromptLabel_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptLabel" ADD CONSTRAINT "PromptLabel_promptId_versionId_fkey" FOREIGN KEY ("promptId", "versionId") REFERENCES "PromptVersion"("promptId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptTenantLabel" ADD CONSTRAINT "PromptTenantLabel_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptTenantLabel" ADD CONSTRAINT "PromptTenantLabel_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptTenantLabel" ADD CONSTRAINT "PromptTenantLabel_promptId_versionId_fkey" FOREIGN KEY ("promptId", "versionId") REFERENCES "PromptVersion"("promptId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptUsageDaily" ADD CONSTRAINT "PromptUsageDaily_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "PromptVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PromptUsageDaily" ADD CONSTRAINT "PromptUsageDaily_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Versions are immutable: only the author reference may be cleared (the admin's row was deleted).
CREATE FUNCTION "prompt_version_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF ROW(NEW."id", NEW."promptId", NEW."number", NEW."template", NEW."variables", NEW."parameters", NEW."changelog", NEW."createdAt")
       IS DISTINCT FROM ROW(OLD."id", OLD."promptId", OLD."number", OLD."template", OLD."variables", OLD."parameters", OLD."changelog", OLD."createdAt")
     OR (NEW."authorId" IS NOT NULL AND NEW."authorId" IS DISTINCT FROM OLD."authorId") THEN
    RAISE EXCEPTION 'prompt versions are immutable: create a new version instead' USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "prompt_version_immutable" BEFORE UPDATE ON "PromptVersion"
  FOR EACH ROW EXECUTE FUNCTION "prompt_version_immutable"();
