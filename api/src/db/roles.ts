// Two database roles: migrations run as the owner of the schema; the API and worker connect as an app role
// that owns nothing. A table owner can disable the audit table's triggers and a superuser can switch them
// off with session_replication_role, so the append-only rule only binds a role that is neither.
import { withClient as withDatabase } from '@opsgraph/prisma/migrate';
import type pg from 'pg';

/** The app role Opsgraph creates itself on the embedded server. */
export const APP_ROLE = 'opsgraph_app';
/** The embedded server listens on 127.0.0.1 only, like its superuser's fixed password. */
export const APP_ROLE_LOCAL_PASSWORD = 'opsgraph_app';

/** The app may read and append to these, never change or remove a row. */
const APPEND_ONLY_TABLES = ['AuditEvent'];
/** The app may read these only (readiness compares the applied migrations with the folder). */
const READ_ONLY_TABLES = ['_prisma_migrations'];
const JOB_QUEUE_SCHEMA = 'graphile_worker';
/** graphile-worker's tables have row level security with no policies: only their owner sees rows. */
const JOB_QUEUE_POLICY = 'opsgraph_app_role';

export interface DatabaseUrls {
  /** What the API and worker connect with. */
  databaseUrl: string;
  /** What migrations and the job queue's schema installation run with: the owner. */
  migrationUrl: string;
}

interface RoleLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

const withClient = <T>(url: string, fn: (client: pg.Client) => Promise<T>) => withDatabase(url, fn, 'opsgraph-roles');

/** `url` with another user and password. */
export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Creates the login role `role` (or resets it): no superuser, no role or database creation, no replication,
 * no row-security bypass. Idempotent and safe to run from several processes at once. Needs CREATEROLE.
 */
export async function ensureAppRole(adminUrl: string, role: string, password: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const name = client.escapeIdentifier(role);
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
        await client.query(exists.rowCount ? `ALTER ROLE ${name} ${attributes}` : `CREATE ROLE ${name} ${attributes}`);
        return;
      } catch (error) {
        // Another process created it first (42710, or 23505 when both CREATEs ran at once), or changed it at
        // the same moment (XX000, "tuple concurrently updated"): look again.
        const code = (error as { code?: string }).code ?? '';
        if (attempt >= 5 || !['42710', '23505', 'XX000'].includes(code)) throw error;
      }
    }
  });
}

/**
 * Gives `appRole` what the API and worker need, as the owner behind `ownerUrl`: SELECT, INSERT, UPDATE and
 * DELETE on the application's tables (also those later migrations create, through default privileges),
 * only SELECT and INSERT on the append-only audit table, only SELECT on the migration history, and
 * graphile-worker's run-time access to its schema. Idempotent; run it after every migration. Returns what
 * still lets the role get around the rules (for the log).
 */
export async function grantAppRole(ownerUrl: string, appRole: string): Promise<string[]> {
  return withClient(ownerUrl, async (client) => {
    const app = client.escapeIdentifier(appRole);
    const table = (schema: string, name: string) => `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`;
    const existing = async (schema: string, names: string[]) =>
      (
        await client.query<{ relname: string }>(
          `SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace($1) AND relname = ANY($2::text[])`,
          [schema, names],
        )
      ).rows.map((r) => r.relname);

    await client.query('BEGIN');
    try {
      // Concurrent GRANTs on one object fail ("tuple concurrently updated"): one booting process at a time.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('opsgraph app role grants'))`);
      await client.query(`
        GRANT USAGE ON SCHEMA public TO ${app};
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app};
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app};`);
      for (const name of await existing('public', APPEND_ONLY_TABLES)) {
        await client.query(`REVOKE ALL ON ${table('public', name)} FROM ${app}; GRANT SELECT, INSERT ON ${table('public', name)} TO ${app}`);
      }
      for (const name of await existing('public', READ_ONLY_TABLES)) {
        await client.query(`REVOKE ALL ON ${table('public', name)} FROM ${app}; GRANT SELECT ON ${table('public', name)} TO ${app}`);
      }

      const queue = (await client.query(`SELECT to_regnamespace($1) IS NOT NULL AS ok`, [JOB_QUEUE_SCHEMA])).rows[0]?.ok;
      if (queue) {
        const schema = client.escapeIdentifier(JOB_QUEUE_SCHEMA);
        await client.query(`
          GRANT USAGE ON SCHEMA ${schema} TO ${app};
          GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${app};
          GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${app};
          GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${app};
          REVOKE ALL ON ${schema}.migrations FROM ${app};
          GRANT SELECT ON ${schema}.migrations TO ${app};`);
        // The owner bypasses row level security; the app role gets a policy that lets it see every row.
        const guarded = await client.query<{ relname: string }>(
          `SELECT c.relname FROM pg_class c
            WHERE c.relnamespace = to_regnamespace($1) AND c.relrowsecurity
              AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2)`,
          [JOB_QUEUE_SCHEMA, JOB_QUEUE_POLICY],
        );
        for (const { relname } of guarded.rows) {
          await client.query(
            `CREATE POLICY ${client.escapeIdentifier(JOB_QUEUE_POLICY)} ON ${table(JOB_QUEUE_SCHEMA, relname)} FOR ALL TO ${app} USING (true) WITH CHECK (true)`,
          );
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
    return loopholes(client, appRole);
  });
}

/** What would let `appRole` change the audit log anyway. */
async function loopholes(client: pg.Client, appRole: string): Promise<string[]> {
  const { rows } = await client.query<{
    rolsuper: boolean;
    rolbypassrls: boolean;
    owned: number;
    member_of_owner: boolean;
    creates_in_public: boolean;
  }>(
    `SELECT r.rolsuper, r.rolbypassrls,
            (SELECT count(*)::int FROM pg_class c
              WHERE c.relowner = r.oid AND c.relnamespace IN (to_regnamespace('public'), to_regnamespace($2))) AS owned,
            pg_has_role(r.oid, current_user, 'MEMBER') AS member_of_owner,
            has_schema_privilege(r.oid, 'public', 'CREATE') AS creates_in_public
       FROM pg_roles r WHERE r.rolname = $1`,
    [appRole, JOB_QUEUE_SCHEMA],
  );
  const role = rows[0];
  if (!role) return [`the app role "${appRole}" does not exist`];
  // A superuser can do anything; the rest would only repeat it.
  if (role.rolsuper) return [`the app role "${appRole}" is a superuser`];
  const found: string[] = [];
  if (role.rolbypassrls) found.push(`the app role "${appRole}" bypasses row level security`);
  if (role.owned > 0) found.push(`the app role "${appRole}" owns ${role.owned} table(s), index(es) or sequence(s)`);
  if (role.member_of_owner) found.push(`the app role "${appRole}" is a member of the owner role and can act as it`);
  if (role.creates_in_public) found.push(`the app role "${appRole}" may create tables in schema public`);
  return found;
}

/** The role a URL logs in as. */
export async function roleOf(url: string): Promise<string> {
  return withClient(url, async (client) => (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0]!.role);
}

/**
 * After migrations: grants the app role (the role of `databaseUrl`) its privileges as the owner (the role of
 * `migrationUrl`). With one role for both there is nothing to grant, and nothing keeps the application from
 * rewriting the audit log: said in the log, as a warning in production.
 */
export async function grantAppAccess(urls: DatabaseUrls, log: RoleLogger, options: { production?: boolean } = {}): Promise<void> {
  const [appRole, owner] = await Promise.all([roleOf(urls.databaseUrl), roleOf(urls.migrationUrl)]);
  if (appRole === owner) {
    const note =
      `the API and worker connect as "${appRole}", the role that runs migrations, so the database cannot keep them from ` +
      `changing the audit log; set DATABASE_MIGRATION_URL to the owner and DATABASE_URL to a role that owns nothing`;
    if (options.production) log.warn(note);
    else log.info(note);
    return;
  }
  for (const loophole of await grantAppRole(urls.migrationUrl, appRole)) {
    log.warn(`${loophole}: the audit log's append-only rule does not bind it`);
  }
}
