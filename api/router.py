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

api_router = WagtailAPIRouter("wagtailapi_v2")
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
