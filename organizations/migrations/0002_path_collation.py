"""treebeard's path ordering needs byte order on PostgreSQL (COLLATE "C"); SQLite already has it."""

from django.db import migrations


def set_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE organizations_organization ALTER COLUMN path TYPE varchar(255) COLLATE "C"')
    # Subtree filters are `path LIKE 'prefix%'`: a pattern-ops index serves them whatever the collation.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS org_path_prefix ON organizations_organization (path varchar_pattern_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]
    operations = [migrations.RunPython(set_c_collation, migrations.RunPython.noop)]
