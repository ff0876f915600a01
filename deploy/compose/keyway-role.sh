#!/bin/sh
# PostgreSQL's image runs this once, when it initialises an empty data directory: the role Keyway connects as, which
# owns the keyway database (Flyway creates its tables there) and nothing else: no superuser, no new databases or roles.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres --set=password="$KEYWAY_DB_PASSWORD" <<'SQL'
CREATE ROLE keyway LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'password';
CREATE DATABASE keyway OWNER keyway;
REVOKE ALL ON DATABASE keyway FROM PUBLIC;
SQL
