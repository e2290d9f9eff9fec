-- The database announces every credential it weakens, whoever changes the row: the API's services, a
-- script, an operator in psql. Each trigger sends an event of api/src/events.ts on the API's channel,
-- delivered on commit: `accessRevoked` when the access has ended (the text is exactly what the services
-- send for the same revocation, so when both send it in one transaction PostgreSQL delivers it once), or
-- `credentialChanged` when it still holds but ends earlier than before.

CREATE FUNCTION "opsgraph_credential_event"(event text, kind text, id_field text, id uuid) RETURNS void
LANGUAGE sql AS $$
  SELECT pg_notify('opsgraph_events', '{"event":"' || event || '","payload":{"kind":"' || kind || '","' || id_field || '":"' || id::text || '"}}')
$$;

CREATE FUNCTION "opsgraph_access_revoked"(kind text, id_field text, id uuid) RETURNS void
LANGUAGE sql AS $$ SELECT "opsgraph_credential_event"('accessRevoked', kind, id_field, id) $$;

-- A session ends: revoked, expired, moved, deleted; or it will end sooner.
CREATE FUNCTION "AdminSession_revocation"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (OLD."revokedAt" IS NULL AND NEW."revokedAt" IS NOT NULL)
       OR (NEW."expiresAt" < OLD."expiresAt" AND NEW."expiresAt" <= now())
       OR NEW."tokenHash" <> OLD."tokenHash"
       OR NEW."adminUserId" <> OLD."adminUserId" THEN
        PERFORM "opsgraph_access_revoked"('session', 'sessionId', OLD.id);
    ELSIF NEW."expiresAt" < OLD."expiresAt" THEN
        PERFORM "opsgraph_credential_event"('credentialChanged', 'session', 'sessionId', OLD.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER "AdminSession_revocation"
    AFTER UPDATE OR DELETE ON "AdminSession"
    FOR EACH ROW EXECUTE FUNCTION "AdminSession_revocation"();

-- An admin loses access or becomes someone else: deactivated, another role, another email, deleted.
CREATE FUNCTION "AdminUser_revocation"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (OLD.active AND NOT NEW.active)
       OR NEW.role <> OLD.role
       OR NEW.email <> OLD.email THEN
        PERFORM "opsgraph_access_revoked"('admin', 'adminId', OLD.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER "AdminUser_revocation"
    AFTER UPDATE OR DELETE ON "AdminUser"
    FOR EACH ROW EXECUTE FUNCTION "AdminUser_revocation"();

-- An API key ends: revoked, expired, moved to another tenant or secret, deleted; or it will end sooner.
CREATE FUNCTION "TenantApiKey_revocation"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (OLD."revokedAt" IS NULL AND NEW."revokedAt" IS NOT NULL)
       OR (NEW."expiresAt" IS DISTINCT FROM OLD."expiresAt" AND NEW."expiresAt" <= now())
       OR NEW."secretHash" <> OLD."secretHash"
       OR NEW.prefix <> OLD.prefix
       OR NEW."tenantId" <> OLD."tenantId" THEN
        PERFORM "opsgraph_access_revoked"('apiKey', 'apiKeyId', OLD.id);
    ELSIF NEW."expiresAt" IS NOT NULL AND (OLD."expiresAt" IS NULL OR NEW."expiresAt" < OLD."expiresAt") THEN
        PERFORM "opsgraph_credential_event"('credentialChanged', 'apiKey', 'apiKeyId', OLD.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER "TenantApiKey_revocation"
    AFTER UPDATE OR DELETE ON "TenantApiKey"
    FOR EACH ROW EXECUTE FUNCTION "TenantApiKey_revocation"();

-- A tenant's keys stop when it is suspended, deleted (soft or for real).
CREATE FUNCTION "Tenant_revocation"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       OR (NEW.status IN ('SUSPENDED', 'DELETED') AND NEW.status IS DISTINCT FROM OLD.status) THEN
        PERFORM "opsgraph_access_revoked"('tenant', 'tenantId', OLD.id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER "Tenant_revocation"
    AFTER UPDATE OR DELETE ON "Tenant"
    FOR EACH ROW EXECUTE FUNCTION "Tenant_revocation"();
