"""Webhook receivers editors register in the admin, and the log of every delivery to them."""

from __future__ import annotations

from django.db import models


class Event(models.TextChoices):
    PAGE_PUBLISHED = "page.published", "Page published"
    PAGE_UNPUBLISHED = "page.unpublished", "Page unpublished"
    PAGE_DELETED = "page.deleted", "Page deleted"


class Webhook(models.Model):
    """A URL that receives a signed JSON POST when a page is published, unpublished or
    deleted (Settings > Webhooks in the admin); a static front end rebuilds from it."""

    name = models.CharField(max_length=255, help_text="Who receives it, e.g. 'Netlify build'.")
    url = models.URLField(max_length=500, help_text="The receiver's URL; it gets a JSON POST.")
    events = models.JSONField(
        default=list, blank=True, help_text="Which events are sent; none selected means all."
    )
    secret = models.CharField(
        max_length=255,
        blank=True,
        help_text="Shared secret: each POST carries X-Webhook-Signature: "
        "sha256=HMAC-SHA256(secret, body) for the receiver to check.",
    )
    active = models.BooleanField(default=True, help_text="Inactive webhooks receive nothing.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


class WebhookDelivery(models.Model):
    """One event sent to one webhook: payload, every attempt's outcome, the receiver's answer."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=50, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Every attempt's outcome, oldest first: {"at", "status_code", "error"}.
    attempt_log = models.JSONField(default=list, blank=True, editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook} ({self.get_status_display()})"
