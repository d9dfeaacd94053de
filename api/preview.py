"""/api/v2/preview/?preview_token=...: the draft behind a preview token, as page detail JSON.

The token comes from the admin's Preview (pages/preview.py). For a page the response has
exactly the shape of /api/v2/pages/<id>/ (same serializer, same meta), plus `meta.preview`; for
a snippet (partner city, network) it is the object as its own endpoint and the pages that embed
it show it (`pages.representation.model_representation`: `meta.type`, "pages.PartnerCity", to
render it by), plus `meta.preview`. Without a valid,
unexpired token the answer is a 4xx JSON error and nothing of the draft. Responses are never
cached: `Cache-Control: private, no-store`.
"""

from __future__ import annotations

from django.urls import path
from rest_framework.response import Response
from wagtail.admin.userbar import Userbar
from wagtail.models import Page

from api.errors import error_body
from api.views import PagesAPIViewSet
from pages.prefetch import request_identity_map
from pages.preview import PreviewTokenError, object_from_preview_token
from pages.representation import model_representation

TOKEN_PARAMETER = "preview_token"


class PreviewAPIViewSet(PagesAPIViewSet):
    name = "preview"
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(
        [TOKEN_PARAMETER, "in_preview_panel"]
    )

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "preview_view"}), name="detail"),
            path("userbar/", cls.as_view({"get": "userbar_view"}), name="userbar"),
        ]

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            token = self.request.GET.get(TOKEN_PARAMETER, "")
            self._cached_object = object_from_preview_token(token)
        return self._cached_object

    def token_error(self, request, exc: PreviewTokenError) -> Response:
        status = 400 if not request.GET.get(TOKEN_PARAMETER) else 403
        return Response(error_body(str(exc), status), status=status)

    def userbar_view(self, request):
        """Wagtail's userbar for the previewed page, as HTML for the front end to insert: in the
        admin's preview panel it carries the content checker (axe) that the Checks panel talks
        to; in a preview tab it shows the checker to the editor."""
        try:
            page = self.get_object()
        except PreviewTokenError as exc:
            return self.token_error(request, exc)
        django_request = request._request
        django_request.in_preview_panel = request.GET.get("in_preview_panel") == "true"
        html = Userbar(object=page).render_html({"request": django_request})
        return Response({"html": html})

    def preview_view(self, request):
        try:
            page = self.get_object()
        except PreviewTokenError as exc:
            return self.token_error(request, exc)
        unsaved = page.pk is None
        if not isinstance(page, Page):
            return Response(self.snippet_preview(page, unsaved))
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

    def snippet_preview(self, obj, unsaved: bool) -> dict:
        """The draft snippet in its public shape, as at its endpoint (the previewed object is
        shown whatever its state: the token is the permission), plus `meta.preview`."""
        context = self.get_serializer_context()
        if unsaved:  # a snippet being created: its detail URL needs some id
            obj.pk = 0
        with request_identity_map():
            data = model_representation(obj, context, public_only=False)
        if unsaved:
            data["id"] = data["meta"]["detail_url"] = None
        data["meta"]["preview"] = {
            "revision": obj.latest_revision_id,
            "live": bool(obj.live) and not unsaved,
        }
        return data

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
