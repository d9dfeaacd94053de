"""`make bench` only: production settings, plus Wagtail's stock API v2 pages endpoint.

The stock `wagtail.api.v2.views.PagesAPIViewSet` is mounted at /stock/api/v2/pages/ on the same
content, so the benchmark can report the project's render path against stock Wagtail in the
same run (issue #17). Nothing else differs from settings.production.
"""

from settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
