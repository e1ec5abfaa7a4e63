"""On PostgreSQL, the database itself keeps the identity access log append-only.

The application already refuses to change or delete these rows; the triggers hold against
anyone with a SQL prompt who is not the table owner's superuser disabling them on purpose.
SQLite has no such triggers here: its file is guarded by the server's file permissions.
TRUNCATE (used by test flushes and restores) does not fire row triggers.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION protection_refuse_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER protection_identityreveal_append_only
    BEFORE UPDATE OR DELETE ON protection_identityreveal
    FOR EACH ROW EXECUTE FUNCTION protection_refuse_log_change();

CREATE OR REPLACE FUNCTION protection_guard_access_request() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status <> 'pending' THEN
        RAISE EXCEPTION '% keeps decided requests: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER protection_identityaccessrequest_guard
    BEFORE UPDATE OR DELETE ON protection_identityaccessrequest
    FOR EACH ROW EXECUTE FUNCTION protection_guard_access_request();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS protection_identityaccessrequest_guard ON protection_identityaccessrequest;
DROP FUNCTION IF EXISTS protection_guard_access_request();
DROP TRIGGER IF EXISTS protection_identityreveal_append_only ON protection_identityreveal;
DROP FUNCTION IF EXISTS protection_refuse_log_change();
"""


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other database vendors."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("protection", "0002_identity_log_and_blind_index"),
    ]

    operations = [PostgreSQLOnly(sql=FORWARD, reverse_sql=BACKWARD)]
