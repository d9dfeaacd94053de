"""The project's URLs plus stock Wagtail's API v2 pages endpoint (bench settings only)."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.urls import handler400, handler404, handler500
from cms.urls import urlpatterns as project_urlpatterns

stock_router = WagtailAPIRouter("stockapi")
stock_router.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [path("stock/api/v2/", stock_router.urls), *project_urlpatterns]

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
