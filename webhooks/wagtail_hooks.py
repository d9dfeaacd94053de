"""Webhooks and their delivery log in the admin (Settings > Webhooks, Reports > deliveries)."""

from __future__ import annotations

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from webhooks.forms import WebhookForm
from webhooks.models import Webhook, WebhookDelivery


class WebhookViewSet(ModelViewSet):
    model = Webhook
    icon = "link-external"
    menu_label = "Webhooks"
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return WebhookForm


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Deliveries are a log: editors who may see them cannot add, edit or delete them."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return user.is_active and (user.is_superuser or super().user_has_permission(user, action))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "history"
    menu_label = "Deliveries"
    list_display = [
        "event",
        "webhook",
        "status",
        "status_code",
        "attempts",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event", "webhook"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "webhook",
        "event",
        "status",
        "status_code",
        "attempts",
        "attempt_log",
        "error",
        "response_excerpt",
        "payload",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
    ]
    copy_view_enabled = False
    form_fields = ["webhook"]


register_permission_policy(WebhookDelivery, ReadOnlyPolicy(WebhookDelivery))


class WebhooksGroup(ModelViewSetGroup):
    menu_label = "Webhooks"
    menu_icon = "link-external"
    menu_order = 900
    items = (WebhookViewSet("webhooks"), WebhookDeliveryViewSet("webhook_deliveries"))


@hooks.register("register_admin_viewset")
def register_webhooks():
    return WebhooksGroup()
