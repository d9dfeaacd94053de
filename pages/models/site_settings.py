"""Per-site settings editors manage in the admin (Settings menu)."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="desktop")
class FrontendSettings(BaseSiteSetting):
    """The front end that renders this site's pages: "View live", page URLs (and the API's
    `meta.html_url`) and the redirect of page URLs on the CMS host go there, and the admin's
    Preview of its drafts goes to its preview URL. Empty: the FRONTEND_URL and
    FRONTEND_PREVIEW_URL environment settings."""

    frontend_url = models.URLField(
        "Front-end URL",
        blank=True,
        help_text="Address of the website that shows this site's pages, e.g. "
        "'https://international.example.org'. Leave empty to use the server's default "
        "(FRONTEND_URL). The front end must also be allowed in CORS_ALLOWED_ORIGINS.",
    )

    preview_url = models.URLField(
        "Preview URL",
        blank=True,
        help_text="Where the admin's Preview shows this site's drafts (the front end receives "
        "'?preview_token=...'), e.g. 'https://international.example.org/preview'. Leave empty "
        "to use the front end above followed by '/preview', or the server's default "
        "(FRONTEND_PREVIEW_URL) when that is empty too.",
    )

    panels = [FieldPanel("frontend_url"), FieldPanel("preview_url")]

    class Meta:
        verbose_name = "Front end"
