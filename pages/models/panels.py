from wagtail.admin.panels import ObjectList, TabbedInterface
from wagtail.models import Page


def page_tabs(*tabs: tuple[str, list]) -> TabbedInterface:
    """The editor's tabs for a page: its own (heading, panels) tabs, then Promotion / SEO and
    Settings, in the same order on every page type."""
    return TabbedInterface(
        [
            *(ObjectList(panels, heading=heading) for heading, panels in tabs),
            ObjectList(Page.promote_panels, heading="Promotion / SEO"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
