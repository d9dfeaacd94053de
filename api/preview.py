"""/api/v2/preview/?preview_token=...: the draft behind a preview token, as page detail JSON.

The token comes from the admin's Preview (pages/preview.py). The response has exactly the shape
of /api/v2/pages/<id>/ (same serializer, same meta), plus `meta.preview`. Without a valid,
unexpired token the answer is a 4xx JSON error and nothing of the draft. Responses are never
cached: `Cache-Control: private, no-store`.
"""

from __future__ import annotations

from django.urls import path
from rest_framework.response import Response

from api.errors import error_body
from api.views import PagesAPIViewSet
from pages.prefetch import request_identity_map
from pages.preview import PreviewTokenError, page_from_preview_token

TOKEN_PARAMETER = "preview_token"


class PreviewAPIViewSet(PagesAPIViewSet):
    name = "preview"
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union([TOKEN_PARAMETER])

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "preview_view"}), name="detail")]

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            self._cached_object = page_from_preview_token(self.request.GET.get(TOKEN_PARAMETER, ""))
        return self._cached_object

    def preview_view(self, request):
        try:
            page = self.get_object()
        except PreviewTokenError as exc:
            status = 400 if not request.GET.get(TOKEN_PARAMETER) else 403
            return Response(error_body(str(exc), status), status=status)
        unsaved = page.pk is None
        if unsaved:  # a page being created: serializers need some id to build URLs from
            page.id = page.pk = 0
        with request_identity_map():
            data = self.get_serializer(page).data
        if unsaved:
            data["id"] = data["meta"]["detail_url"] = None
        data["meta"]["preview"] = {
            "revision": page.latest_revision_id,
            "live": page.live and not unsaved,
        }
        return Response(data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
