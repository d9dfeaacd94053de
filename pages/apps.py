from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import post_page_move

        from pages.redirects import redirect_pages_moved_to_another_site

        post_page_move.connect(
            redirect_pages_moved_to_another_site, dispatch_uid="pages-redirect-cross-site-move"
        )
