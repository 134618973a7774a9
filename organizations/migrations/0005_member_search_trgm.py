"""pg_trgm and a GIN trigram index on Member.search_name for the accent-free member search.

PostgreSQL only: on the embedded SQLite default (`make run` without DATABASE_URL) the extension is
skipped by Django and the index by PostgresOnlyAddIndex; the search then falls back to LIKE scans.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class PostgresOnlyAddIndex(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0004_central_kind")]

    operations = [
        TrigramExtension(),
        PostgresOnlyAddIndex(
            model_name="member",
            index=GinIndex(fields=["search_name"], name="member_search_trgm", opclasses=["gin_trgm_ops"]),
        ),
    ]
