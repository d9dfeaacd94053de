"""Indexes the API's request path needs at 20,000 pages (docs/benchmarks.md, "Scale").

Wagtail's page table is not ours, so these are plain SQL (valid on SQLite and PostgreSQL) and
leave the model state alone (`makemigrations --check` stays clean):

* unpublished pages (`WHERE NOT live`) and pages with an expiry date: the few rows that
  `pages.visibility.hidden_roots` reads on every request, found without scanning every page;
* `url_path`: `pages/find/?html_path=` looks a page up by it;
* (`locale_id`, `path`, `depth`, `content_type_id`) for live pages: a listing in one language,
  ordered by tree path, walks this index and stops after `limit` rows; `total_count` counts
  from the index alone (api.pagination);
* (`depth`, `path`): the site root's siblings (its translations) without a scan;
* (`content_type_id`, `first_published_at`, `id`, `depth`, `path`) for live pages: the hub's
  latest case studies read in order from the index instead of sorting every case study, and
  counted from it.
"""

from django.db import migrations

INDEXES = {
    "pages_page_unpublished_path": "wagtailcore_page (path) WHERE NOT live",
    "pages_page_expire_at": "wagtailcore_page (expire_at) WHERE expire_at IS NOT NULL",
    "pages_page_url_path": "wagtailcore_page (url_path)",
    "pages_page_live_locale_path": (
        "wagtailcore_page (locale_id, path, depth, content_type_id) WHERE live"
    ),
    "pages_page_depth_path": "wagtailcore_page (depth, path)",
    "pages_page_live_type_published": (
        "wagtailcore_page (content_type_id, first_published_at, id, depth, path) WHERE live"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES.items()
    ]
