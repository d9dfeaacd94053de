"""THE one place API endpoints are registered (namespace "wagtailapi_v2"), mounted once."""

from wagtail.api.v2.router import WagtailAPIRouter

from api.preview import PreviewAPIViewSet
from api.routing import RedirectsAPIViewSet, SitemapAPIViewSet
from api.views import (
    DocumentsAPIViewSet,
    ImagesAPIViewSet,
    NetworkAPIViewSet,
    PagesAPIViewSet,
    PartnerCityAPIViewSet,
)
from pages.prefetch import request_memo

# An id no object has: reversed in its place, then replaced by each object's id.
_MARK = 987654321987654321


class APIRouter(WagtailAPIRouter):
    """Wagtail's router, resolving the detail URL of each model once per request (a listing of
    20 case studies reversed 128 URLs); the URL of an object is that path with its id."""

    def get_object_detail_urlpath(self, model, pk):
        template = request_memo(
            f"detail_urlpath:{model._meta.label_lower}",
            lambda: super(APIRouter, self).get_object_detail_urlpath(model, _MARK),
        )
        if template is None or f"/{_MARK}/" not in template:
            return super().get_object_detail_urlpath(model, pk)
        return template.replace(f"/{_MARK}/", f"/{pk}/", 1)


api_router = APIRouter("wagtailapi_v2")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)
api_router.register_endpoint("partner-cities", PartnerCityAPIViewSet)
api_router.register_endpoint("networks", NetworkAPIViewSet)
api_router.register_endpoint("redirects", RedirectsAPIViewSet)
api_router.register_endpoint("sitemap", SitemapAPIViewSet)
# After "pages", so page links keep resolving to /api/v2/pages/<id>/.
api_router.register_endpoint("preview", PreviewAPIViewSet)

__all__ = ["api_router"]
