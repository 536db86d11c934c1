"""On PostgreSQL the database itself refuses updates and deletes of audit events, so not even
raw SQL or a bug can rewrite history (the model refuses them in Python everywhere). TRUNCATE,
an administrator's whole-table operation (and how test runs reset the database), stays
possible."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION opsplan_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS opsplan_auditevent_append_only ON opsplan_auditevent;
CREATE TRIGGER opsplan_auditevent_append_only
    BEFORE UPDATE OR DELETE ON opsplan_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION opsplan_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS opsplan_auditevent_append_only ON opsplan_auditevent;
DROP FUNCTION IF EXISTS opsplan_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("opsplan", "0003_notifications")]

    operations = [migrations.RunPython(forwards, backwards)]
