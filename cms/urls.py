from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from api.errors import not_found
from api.health import health
from api.openapi import docs_v2, openapi_v2
from api.router import api_router
from media.views import serve as image_serve
from pages.editing import ReviewedUpdateTranslationsView

handler400 = "api.errors.handler400"
handler404 = "api.errors.handler404"
handler500 = "api.errors.handler500"

urlpatterns = [
    path("api/health/", health, name="health"),
    path("api/v2/openapi.json", openapi_v2, name="openapi-v2"),
    path("api/v2/docs/", docs_v2, name="api-docs-v2"),
    path("api/v2/", api_router.urls),
    # Last of /api/: any other URL there is the API's JSON 404 (in development too).
    re_path(r"^api/(?P<path>.*)$", not_found, name="api-not-found"),
    # wagtail-localize's sync view, with "Publish immediately" only for reviewers (before the
    # admin's own URL of it, which it replaces).
    path(
        "admin/localize/update/<int:translation_source_id>/",
        require_admin_access(ReviewedUpdateTranslationsView.as_view()),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Image sizes on request: Wagtail's serve view, signed and bounded (media/views.py).
    re_path(r"^images/([^/]*)/([^/]*)/([^/]*)/[^/]*$", image_serve, name="wagtailimages_serve"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
