"""A listing's `total_count` on PostgreSQL from the index alone, with the site scope's prefix.

The default listing (`/api/v2/pages/`) counts `live AND depth >= 2 AND path LIKE '0001%' AND
locale_id = ...`. Under a non-C collation PostgreSQL cannot use `pages_page_live_locale_path`
for the LIKE, so at 20,000 pages it preferred reading the whole table (6-9 ms, 1.7x the seed's
listing). With `varchar_pattern_ops` the prefix becomes an index condition and the count an
index-only scan (2.9 ms). Pattern-ops order is not the collation's, so the ordered listing
keeps walking `pages_page_live_locale_path`. PostgreSQL only: SQLite compares bytes and
already counts from the existing index.
"""

from django.db import migrations

NAME = "pages_page_live_locale_path_pattern"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON wagtailcore_page "
            "(locale_id, path varchar_pattern_ops, depth) WHERE live"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("pages", "0005_frontend_preview_url")]

    operations = [migrations.RunPython(create, drop)]
