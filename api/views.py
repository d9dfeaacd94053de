"""Endpoints that differ from Wagtail's: resolved content, bounded queries, friendly paths."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from wagtail.api.v2.filters import (
    ChildOfFilter,
    DescendantOfFilter,
    FieldsFilter,
    OrderingFilter,
    TranslationOfFilter,
)
from wagtail.api.v2.filters import (
    LocaleFilter as WagtailPageLocaleFilter,
)
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.api.v2.views import PagesAPIViewSet as WagtailPagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Locale, Page

from api.filters import (
    DefaultLanguageFilter,
    LocaleFilter,
    PageLocaleFilter,
    SearchFilter,
    YearRangeFilter,
)
from api.pagination import IndexedCountPagination
from api.renderers import JSONRenderer
from api.serializers import ImageSerializer, PageSerializer, SnippetSerializer, tags_by_object
from media.views import ALLOWED_WIDTHS, served_formats, served_width, signed_url
from pages.models import Network, PartnerCity
from pages.prefetch import load_tag_names, request_identity_map, warm_stream_choosers
from pages.redirects import RedirectLoop, redirect_representation, resolve_redirect
from pages.representation import tag_name_fields
from pages.routing import split_language
from pages.visibility import (
    public_page_check,
    public_pages,
    public_snippets,
    request_site,
    restricted_collection_ids,
)


class JSONOnly(BaseContentNegotiation):
    """Every answer is JSON, whatever `Accept` says: no browsable HTML API (Wagtail's views
    offer one), and no answer that differs by `Accept` under one cache key."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _frozen(fields_config) -> tuple:
    """`?fields=` as Wagtail parses it ([(name, negated, sub-fields or None)]), hashable."""
    return tuple(
        (name, negated, _frozen(sub_fields) if sub_fields else sub_fields)
        for name, negated, sub_fields in fields_config
    )


@functools.lru_cache(maxsize=256)
def _serializer_class(view_class, router, model, fields_config: tuple, show_details, nested):
    return super(BoundedQueriesMixin, view_class)._get_serializer_class(
        router, model, fields_config, show_details=show_details, nested=nested
    )


class BoundedQueriesMixin:
    """Serialize inside one identity map so chosen objects load once per request; answer
    JSON only."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        # Wagtail builds the serializer classes (one per model shown, with their fields) anew on
        # every request, from code and `?fields=` alone. Built once per combination instead;
        # the classes hold no request or content, and the LRU bounds how many are kept.
        return _serializer_class(cls, router, model, _frozen(fields_config), show_details, nested)

    def listing_view(self, request):
        with request_identity_map():
            return super().listing_view(request)

    def detail_view(self, request, pk):
        with request_identity_map():
            return super().detail_view(request, pk)

    def get_renderer_context(self):
        # Wagtail asks for indent=4, which makes json use its pure-Python encoder: compact
        # JSON renders 3-5x faster (53 ms less for 20 case studies) and is half the bytes.
        context = super().get_renderer_context()
        context.pop("indent", None)
        return context


class PagesAPIViewSet(BoundedQueriesMixin, WagtailPagesAPIViewSet):
    base_serializer_class = PageSerializer
    pagination_class = IndexedCountPagination
    meta_fields = [
        *WagtailPagesAPIViewSet.meta_fields,
        "path",
        "breadcrumbs",
        "translations",
        "translation_out_of_date",
        "case_study_teasers",
    ]
    detail_only_fields = [
        *WagtailPagesAPIViewSet.detail_only_fields,
        "breadcrumbs",
        "translations",
        "translation_out_of_date",
        "case_study_teasers",
    ]
    listing_default_fields = [*WagtailPagesAPIViewSet.listing_default_fields, "path"]
    # Without ?locale= a listing is in the default language; SearchFilter must stay last.
    filter_backends = [
        *(
            PageLocaleFilter if backend is WagtailPageLocaleFilter else backend
            for backend in WagtailPagesAPIViewSet.filter_backends[:-1]
        ),
        DefaultLanguageFilter,
        SearchFilter,
    ]

    @classmethod
    def get_detail_default_fields(cls, model):
        return [
            *super().get_detail_default_fields(model),
            "path",
            "breadcrumbs",
            "translations",
            "translation_out_of_date",
            "case_study_teasers",
        ]

    def get_base_queryset(self):
        # Built once per request (Wagtail asks for it in get_queryset and again for the
        # serializer context); each build costs the visibility and site queries.
        if getattr(self, "_base_queryset", None) is None:
            self._base_queryset = self._public_pages()
        return self._base_queryset

    def _public_pages(self, model=Page):
        try:
            return public_pages(self.request, model)
        except ValueError as exc:
            raise BadRequestError(str(exc)) from exc
        except Http404 as exc:  # Wagtail's ?site= lookup: a bad parameter, not a missing page
            site = self.request.GET.get("site")
            raise BadRequestError(f"site {site!r} is not one of this CMS's sites") from exc

    def get_object(self):
        # The page's type, from the public pages (visibility checked), then its specific row
        # with what its JSON needs (hero image, related snippets) in the same round trips.
        # Unordered: ordering a row fetched by its key made Django hash every selected column
        # of the joined tables (a fifth of the query's cost).
        if not hasattr(self, "_cached_object"):
            pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            visible = self.filter_queryset(self.get_queryset()).filter(pk=pk).order_by()
            content_type_id = next(iter(visible.values_list("content_type_id", flat=True)), None)
            # Django's get_object_or_404 message, as before.
            missing = f"No {visible.model._meta.object_name} matches the given query."
            if content_type_id is None:
                raise Http404(missing)
            model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
            rows = (
                model._default_manager.filter(pk=pk)
                .select_related("locale", *getattr(model, "api_select_related", ()))
                .prefetch_related(*getattr(model, "api_prefetch_related", ()))
                .order_by()
            )
            page = next(iter(rows), None)
            if page is None:  # deleted in between
                raise Http404(missing)
            load_tag_names([page], tag_name_fields(model))
            self.check_object_permissions(self.request, page)
            self._cached_object = page
        return self._cached_object

    def get_queryset(self):
        # Built once per request: Wagtail asks for it again to learn the serializer's model.
        if getattr(self, "_request_queryset", None) is None:
            self._request_queryset = self._build_queryset()
        return self._request_queryset

    def _build_queryset(self):
        queryset = self._single_type_queryset()
        if queryset is None:
            queryset = super().get_queryset()
        if queryset.model is not Page:
            select = ["locale", *getattr(queryset.model, "api_select_related", ())]
            queryset = queryset.select_related(*select).prefetch_related(
                *getattr(queryset.model, "api_prefetch_related", ())
            )
        else:
            queryset = queryset.select_related("locale")
        return queryset

    def _single_type_queryset(self):
        """`?type=pages.CaseStudyPage`: the public-page conditions on the joined page row itself.

        Wagtail's own shape, `CaseStudyPage.objects.filter(pk__in=<every public page id>)`, made
        the database build the set of all public ids before it could order and cut a page of 20
        (and again for `total_count`): full-table work that grew with the site. Filtering the
        joined row lets it walk the tree-path index and stop after `limit` rows."""
        try:
            models_type = self.request.GET.get("type", None)
            models = (models_type and page_models_from_string(models_type)) or []
        except (LookupError, ValueError) as exc:
            raise BadRequestError("type doesn't exist") from exc
        if len(models) != 1 or models[0] is Page:
            return None
        return self._public_pages(models[0])

    def get_serializer(self, instance=None, *args, **kwargs):
        many = kwargs.get("many")
        if many and instance is not None:
            instance = list(instance)
            warm_stream_choosers(instance, ("body",))
            if instance:
                load_tag_names(instance, tag_name_fields(type(instance[0])))
        return super().get_serializer(instance, *args, **kwargs)

    def find_object(self, queryset, request):
        if "html_path" not in request.GET:
            return super().find_object(queryset, request)
        language, slugs = split_language(request.GET["html_path"])
        try:
            locale = Locale.objects.get(language_code=language)
        except Locale.DoesNotExist:
            return None
        from pages.models import HubPage

        hub = HubPage.objects.filter(locale=locale, depth=2).order_by("path").first()
        if hub is None:
            return None
        url_path = hub.url_path + "".join(f"{slug}/" for slug in slugs)
        return queryset.filter(url_path=url_path, locale=locale).first()

    def find_view(self, request):
        # Same as Wagtail's, but the redirect stays on the host the client called (or the
        # configured public API URL) and is relative, so a client behind a proxy can follow it.
        # A path no public page has may be an old URL: its redirect, resolved, in this answer.
        queryset = self.get_queryset()
        obj = self.find_object(queryset, request)
        if obj is None and "html_path" in request.GET:
            return self.redirect_answer(request)
        if obj is None:
            raise Http404("No public page at this path.")
        query = request.GET.copy()
        for param in self.find_query_parameters:
            query.pop(param, None)
        base = getattr(settings, "WAGTAILAPI_BASE_URL", "").rstrip("/")
        url = f"{base}/api/v2/pages/{obj.pk}/"
        if query:
            url = f"{url}?{query.urlencode()}"
        return redirect(url)

    def redirect_answer(self, request):
        try:
            found = resolve_redirect(
                request_site(request), request.GET["html_path"], public_page_check(request)
            )
        except RedirectLoop as exc:
            raise Http404(f"No public page at this path ({exc}).") from exc
        if found is None:
            raise Http404("No public page at this path.")
        return Response(redirect_representation(found))


def _media_base(request) -> str:
    base = getattr(settings, "WAGTAILAPI_BASE_URL", "").rstrip("/")
    return base or request.build_absolute_uri("/").rstrip("/")


class PublicCollectionsMixin:
    """Nothing from a collection under a view restriction, whatever the session says
    (Wagtail's own endpoints let a session that typed the password through)."""

    def get_queryset(self):
        # BaseAPIViewSet's queryset, not Wagtail's image/document one with its session check.
        queryset = self.model.objects.all().order_by("id")
        return queryset.exclude(collection__in=restricted_collection_ids())


class ImagesAPIViewSet(BoundedQueriesMixin, PublicCollectionsMixin, ImagesAPIViewSet):
    base_serializer_class = ImageSerializer
    filter_backends = [FieldsFilter, OrderingFilter, SearchFilter]

    @classmethod
    def get_urlpatterns(cls):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/resize/", cls.as_view({"get": "resize_view"}), name="resize"),
        ]

    def resize_view(self, request, pk):
        """A redirect to the image at `width` (rounded up to an allowed width) and `format`:
        a signed URL of Wagtail's serve view (media/views.py), for an image loader."""
        unknown = set(request.GET) - {"width", "format"}
        if unknown:
            raise BadRequestError(f"unknown query parameters: {', '.join(sorted(unknown))}")
        try:
            asked = int(request.GET["width"])
        except (KeyError, ValueError) as exc:
            raise BadRequestError("width must be a whole number of pixels") from exc
        width = served_width(asked) if asked > 0 else None
        if width is None:
            raise BadRequestError(f"width must be between 1 and {ALLOWED_WIDTHS[-1]}")
        fmt = request.GET.get("format", "jpeg")
        if fmt not in served_formats():
            raise BadRequestError(f"format must be one of {', '.join(served_formats())}")
        # Not get_object(): its field filters would read `width` as "images this wide".
        image = self.get_queryset().filter(pk=pk).first()
        if image is None:
            raise Http404("No public image has this id.")
        return redirect(_media_base(request) + signed_url(image, width, fmt))

    def get_serializer(self, instance=None, *args, **kwargs):
        # Every listed image's tags in one query, not one per image (Wagtail's TagsField).
        if kwargs.get("many") and instance is not None:
            instance = list(instance)
            self._tags_by_object = tags_by_object(self.model, [image.pk for image in instance])
        return super().get_serializer(instance, *args, **kwargs)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["tags_by_object"] = getattr(self, "_tags_by_object", None)
        return context


class DocumentsAPIViewSet(BoundedQueriesMixin, PublicCollectionsMixin, DocumentsAPIViewSet):
    filter_backends = [FieldsFilter, OrderingFilter, SearchFilter]


class SnippetAPIViewSet(BoundedQueriesMixin, BaseAPIViewSet):
    """Read-only snippet endpoint with filters, ordering, search and ?locale=."""

    base_serializer_class = SnippetSerializer
    filter_backends = [FieldsFilter, LocaleFilter, YearRangeFilter, OrderingFilter, SearchFilter]
    known_query_parameters = BaseAPIViewSet.known_query_parameters.union(
        ["locale", "year_from", "year_to"]
    )
    meta_fields = [*BaseAPIViewSet.meta_fields, "locale", "translation_out_of_date"]
    detail_only_fields = ["translation_out_of_date"]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "locale"]
    year_filter_field: str | None = None

    @classmethod
    def get_listing_default_fields(cls, model):
        return [*cls.listing_default_fields, *[f.name for f in model.api_fields]]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["wanted_locale"] = getattr(self, "wanted_locale", None)
        return context

    def get_queryset(self):
        from pages.prefetch import _queryset

        # Only the live version of live, unexpired snippets (drafts stay in revisions).
        queryset = public_snippets(self.model, _queryset(self.model))
        return queryset.order_by(*self.model._meta.ordering, "id")


class PartnerCityAPIViewSet(SnippetAPIViewSet):
    name = "partner-cities"
    model = PartnerCity
    year_filter_field = "year_signed"


class NetworkAPIViewSet(SnippetAPIViewSet):
    name = "networks"
    model = Network
    year_filter_field = "year_joined"


__all__ = [
    "ChildOfFilter",
    "DescendantOfFilter",
    "DocumentsAPIViewSet",
    "ImagesAPIViewSet",
    "NetworkAPIViewSet",
    "PageLocaleFilter",
    "PagesAPIViewSet",
    "PartnerCityAPIViewSet",
    "TranslationOfFilter",
]
