#!/bin/sh
# Run once by the postgres image on a fresh volume (docker-entrypoint-initdb.d), as POSTGRES_USER, the owner
# that migrations run as. Creates the role the API and worker connect as: it logs in and owns nothing; the
# API grants it its privileges after every migration.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role="${APP_DB_USER:-opsgraph_app}" -v app_password="${APP_DB_PASSWORD:?set APP_DB_PASSWORD}" <<'SQL'
CREATE ROLE :"app_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
SQL
