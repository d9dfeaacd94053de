"""The admin for a headless site: front-end URLs, the partners menu and the editors' dashboard."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.models import DraftStateMixin, Page, Revision, WorkflowMixin, WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from media.models import CustomImage
from pages.checker import use_headless_checker
from pages.editing import (
    OVERWRITE_CONFIRMED_JS,
    HeadlessPageViewSet,
    OverwriteCheckingSnippetEditView,
)
from pages.headless import front_end_url
from pages.models import CaseStudyPage, HubPage, Network, PartnerCity


@hooks.register("before_serve_page")
def redirect_to_front_end(page, request, serve_args, serve_kwargs):
    """The CMS host renders no page: send the visitor (or an editor's "View live") to the
    front end, at the same path. Only live pages get this far; drafts are 404 as before."""
    return HttpResponseRedirect(front_end_url(page, request))


# The content checker (Checks panel, userbar) also checks the front end's rendering of a preview.
hooks.register("construct_wagtail_userbar", use_headless_checker)


# --- Concurrent editing: an out-of-date form is sent back once, with a warning (pages/editing.py)


@hooks.register("register_admin_viewset")
def register_page_viewsets():
    return [
        HeadlessPageViewSet("hub_pages", model=HubPage),
        HeadlessPageViewSet("case_study_pages", model=CaseStudyPage),
    ]


@hooks.register("insert_editor_js")
def mark_confirmed_overwrites():
    return mark_safe(OVERWRITE_CONFIRMED_JS)


# --- Partners & networks: their own admin menu --------------------------------------------------


class TranslationStatusColumn(Column):
    """ "Translation": a translation behind its source, or a source whose translations are behind
    it, says "out of date" with the sync link; set by `TranslationStatusIndexView`."""

    def __init__(self):
        super().__init__("translation_status", label="Translation")

    def get_value(self, instance):
        from pages.translation import UP_TO_DATE

        status = getattr(instance, "translation_status", None)
        if status is None:
            return ""  # nobody translated it
        label, source_pk = status
        if label == UP_TO_DATE:
            return label
        return format_html(
            '<span class="w-status w-status--primary">{}</span> <a href="{}">Sync</a>',
            label,
            reverse("wagtail_localize:update_translations", args=(source_pk,)),
        )


def prefetch_publishing_states(rows: list) -> None:
    """What the status column asks of each draftable snippet (its approved schedule and its
    workflow in progress), for every row in two queries instead of two per row."""
    if not rows or not isinstance(rows[0], DraftStateMixin):
        return
    content_type = type(rows[0]).get_base_content_type()
    ids = [str(row.pk) for row in rows]
    scheduled: dict[str, Revision] = {}
    for revision in Revision.objects.filter(
        base_content_type=content_type, object_id__in=ids, approved_go_live_at__isnull=False
    ).order_by("-created_at", "-id"):
        scheduled.setdefault(revision.object_id, revision)
    states: dict[str, list] = {object_id: [] for object_id in ids}
    if isinstance(rows[0], WorkflowMixin):
        active = WorkflowState.objects.active().filter(
            base_content_type=content_type, object_id__in=ids
        )
        for state in active.select_related("current_task_state__task"):
            states[state.object_id].append(state)
    for row in rows:
        row.__dict__["scheduled_revision"] = scheduled.get(str(row.pk))  # a cached_property
        if isinstance(row, WorkflowMixin):
            row._current_workflow_states = states[str(row.pk)]


class TranslationStatusIndexView(SnippetIndexView):
    """The listing computes the translation and publishing status of the rows it shows at
    once (a constant number of queries), not once per row; the locale column comes with the
    rows."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("locale")

    def get_table(self, object_list):
        from pages.translation import translation_statuses

        rows = list(object_list)
        statuses = translation_statuses(rows)
        prefetch_publishing_states(rows)
        for row in rows:
            row.translation_status = statuses.get(row.pk)
        return super().get_table(rows)


class PartnerCityViewSet(SnippetViewSet):
    model = PartnerCity
    icon = "site"
    menu_label = "Partner cities"
    index_view_class = TranslationStatusIndexView
    edit_view_class = OverwriteCheckingSnippetEditView
    list_display = [
        "name",
        "country",
        "year_signed",
        "period",
        "locale",
        LiveStatusTagColumn(),
        TranslationStatusColumn(),
        UpdatedAtColumn(),
    ]
    list_filter = {"country": ["exact"], "year_signed": ["exact", "gte", "lte"]}
    search_fields = ["name", "summary", "country"]
    search_backend_name = None  # plain database search: exact and predictable for editors
    ordering = ["year_signed", "name"]
    list_per_page = 50


class NetworkViewSet(SnippetViewSet):
    model = Network
    icon = "group"
    menu_label = "Networks"
    index_view_class = TranslationStatusIndexView
    edit_view_class = OverwriteCheckingSnippetEditView
    list_display = [
        "name",
        "year_joined",
        "role",
        "locale",
        LiveStatusTagColumn(),
        TranslationStatusColumn(),
        UpdatedAtColumn(),
    ]
    list_filter = {"year_joined": ["exact", "gte", "lte"]}
    search_fields = ["name", "role", "summary"]
    search_backend_name = None
    ordering = ["name"]


class PartnersAndNetworks(SnippetViewSetGroup):
    items = (PartnerCityViewSet, NetworkViewSet)
    menu_label = "Partners & networks"
    menu_icon = "globe"
    menu_order = 150  # right after Pages


register_snippet(PartnersAndNetworks)


# --- The editors' dashboard ---------------------------------------------------------------------

DASHBOARD_LIMIT = 10


def _edit_link(url: str, label: str, note: str = ""):
    return format_html('<li><a href="{}">{}</a>{}</li>', url, label, note)


def _case_studies_waiting() -> tuple[list, list]:
    in_moderation_ids = set(
        WorkflowState.objects.active()
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    moderation = CaseStudyPage.objects.filter(pk__in=[int(pk) for pk in in_moderation_ids])
    drafts = CaseStudyPage.objects.filter(Q(live=False) | Q(has_unpublished_changes=True)).exclude(
        pk__in=moderation.values("pk")
    )
    order = "-latest_revision_created_at"
    return list(drafts.order_by(order)[:DASHBOARD_LIMIT]), list(
        moderation.order_by(order)[:DASHBOARD_LIMIT]
    )


def _translations_out_of_date() -> list | None:
    """(source object, its edit URL, sync URL, target languages) of every page or snippet whose
    source changed since its translations were synced; None without the translation tooling."""
    if not apps.is_installed("wagtail_localize"):
        return None
    from wagtail.admin.admin_url_finder import AdminURLFinder

    from pages.translation import stale_translations

    finder = AdminURLFinder()
    return [
        (
            instance,
            finder.get_edit_url(instance),
            reverse("wagtail_localize:update_translations", args=(source.pk,)),
            ", ".join(
                t.target_locale.get_display_name()
                for t in source.translations.filter(enabled=True).select_related("target_locale")
            ),
        )
        for source, instance in stale_translations(limit=DASHBOARD_LIMIT)
    ]


def _failed_webhook_deliveries() -> tuple[int, str] | None:
    """(count, admin URL) of failed deliveries once the webhooks app exists."""
    if not apps.is_installed("webhooks"):
        return None
    try:
        delivery = apps.get_model("webhooks", "WebhookDelivery")
    except LookupError:
        return None
    field_names = {field.name for field in delivery._meta.get_fields()}
    if "status" in field_names:
        failed = delivery.objects.filter(status__in=["failed", "dead", "error"])
    elif "succeeded" in field_names:
        failed = delivery.objects.filter(succeeded=False)
    else:
        return None
    return failed.count(), ""


class EditorsDashboardPanel(Component):
    """What needs an editor's attention on this site, on the admin's home page."""

    name = "editors_dashboard"
    order = 50

    def render_html(self, parent_context=None) -> str:
        drafts, moderation = _case_studies_waiting()
        sections = []

        def section(heading: str, items: list, empty: str):
            body = (
                format_html("<ul>{}</ul>", mark_safe("".join(items)))
                if items
                else format_html("<p>{}</p>", empty)
            )
            sections.append(format_html("<h3>{}</h3>{}", heading, body))

        def page_items(pages) -> list:
            return [
                _edit_link(
                    reverse("wagtailadmin_pages:edit", args=(page.pk,)),
                    page.get_admin_display_title(),
                )
                for page in pages
            ]

        section(
            "Case studies in moderation", page_items(moderation), "Nothing waits for a reviewer."
        )
        section("Case studies in draft", page_items(drafts), "No unpublished drafts.")
        stale = _translations_out_of_date()
        if stale is not None:
            section(
                "Translations out of date",
                [
                    format_html(
                        '<li><a href="{}">{}</a> ({}) changed since its {} translation was '
                        'synced — <a href="{}">sync it</a>, then translate the new text</li>',
                        edit_url or sync_url,
                        str(instance),
                        instance._meta.verbose_name,
                        languages,
                        sync_url,
                    )
                    for instance, edit_url, sync_url, languages in stale
                ],
                "Every translation is up to date.",
            )
        images = CustomImage.objects.filter(
            Q(description="") | Q(description__isnull=True)
        ).order_by("-created_at")[:DASHBOARD_LIMIT]
        section(
            "Images without alt text",
            [
                _edit_link(
                    reverse("wagtailimages:edit", args=(image.pk,)),
                    image.title,
                    " — describe what it shows",
                )
                for image in images
            ],
            "Every image has alt text.",
        )
        webhooks = _failed_webhook_deliveries()
        if webhooks is not None:
            count, _url = webhooks
            sections.append(
                format_html(
                    "<h3>Failed webhook deliveries</h3><p>{}</p>",
                    f"{count} failed deliveries." if count else "No failed deliveries.",
                )
            )
        return format_html(
            '<section class="w-panel editors-dashboard" aria-labelledby="editors-dashboard">'
            '<h2 id="editors-dashboard">Needs your attention</h2>{}</section>',
            mark_safe("".join(sections)),
        )


@hooks.register("construct_homepage_panels")
def add_editors_dashboard(request, panels):
    panels.insert(0, EditorsDashboardPanel())


# --- Rich text: no link or embed reveals what is not public (pages/rich_text.py) -----------------


@hooks.register("register_rich_text_features", order=100)  # after Wagtail's own handlers
def public_only_rich_text_handlers(features):
    from pages.rich_text import (
        PublicDocumentLinkHandler,
        PublicImageEmbedHandler,
        PublicPageLinkHandler,
    )

    features.register_link_type(PublicPageLinkHandler)
    features.register_link_type(PublicDocumentLinkHandler)
    features.register_embed_type(PublicImageEmbedHandler)


# --- Translators: an out-of-date translation says so where it is edited -------------------------


def translation_status_message(request, obj) -> None:
    """On the edit view of a translation whose source changed since the last sync (wagtail-
    localize's translation editor), and of such a source, a warning with the sync link."""
    if request.method != "GET" or not hasattr(obj, "translation_key"):
        return
    from wagtail_localize.models import TranslationSource

    from pages.translation import out_of_date, translation_made_from

    translation = translation_made_from(obj)
    if translation is not None:
        source = translation.source
        message = (
            "The {} version changed since this translation was last synced ({}). "
            '<a href="{}">Sync it</a> to see the new text here, then translate it.'
        )
        args = [source.locale.get_display_name(), f"{source.last_updated_at:%Y-%m-%d %H:%M}"]
    else:
        source = TranslationSource.objects.filter(
            object_id=obj.translation_key, locale_id=obj.locale_id
        ).first()
        if source is None or not source.translations.filter(enabled=True).exists():
            return
        message = (
            "The translations of this {} are out of date: it changed since they were last "
            'synced. <a href="{}">Sync them</a>, then the translators translate the new text.'
        )
        args = [obj._meta.verbose_name]
    try:
        if not out_of_date(source):
            return
    except Exception:  # the source object is gone: nothing to sync
        return
    sync_url = reverse("wagtail_localize:update_translations", args=(source.pk,))
    messages.warning(request, format_html(message, *args, sync_url))


@hooks.register("before_edit_page", order=-10)  # before wagtail-localize's editor takes over
def page_translation_status(request, page):
    translation_status_message(request, page)


@hooks.register("before_edit_snippet", order=-10)
def snippet_translation_status(request, instance):
    translation_status_message(request, instance)


# --- Redirects: a redirect that would loop (or chain too long) is refused in the form ------------


def _refuse_redirect_loops() -> None:
    from wagtail.contrib.redirects import views as redirect_views
    from wagtail.contrib.redirects.forms import RedirectForm

    from pages.redirects import RefuseRedirectLoops

    form = type("RedirectForm", (RefuseRedirectLoops, RedirectForm), {})
    redirect_views.CreateView.form_class = form
    redirect_views.EditView.form_class = form


_refuse_redirect_loops()
