"""Page events become webhook deliveries, queued once the editor's transaction commits."""

from __future__ import annotations

from django.db import transaction

from webhooks.models import Event


def queue_event(event: str, payload: dict) -> None:
    def send() -> None:
        from webhooks.models import Webhook, WebhookDelivery
        from webhooks.tasks import schedule

        for webhook in Webhook.objects.filter(active=True):
            if webhook.wants(event):
                delivery = WebhookDelivery.objects.create(
                    webhook=webhook, event=event, payload=payload
                )
                schedule(delivery.pk)

    transaction.on_commit(send)


def page_published(sender, instance, revision=None, **kwargs) -> None:
    from webhooks.delivery import page_payload

    revision_id = revision.pk if revision is not None else instance.live_revision_id
    queue_event(Event.PAGE_PUBLISHED, page_payload(Event.PAGE_PUBLISHED, instance, revision_id))


def page_unpublished(sender, instance, **kwargs) -> None:
    from webhooks.delivery import page_payload

    payload = page_payload(Event.PAGE_UNPUBLISHED, instance, instance.live_revision_id)
    queue_event(Event.PAGE_UNPUBLISHED, payload)


def page_deleted(sender, instance, **kwargs) -> None:
    from django.contrib.contenttypes.models import ContentType

    from webhooks.delivery import page_payload

    # Deleting a case study also deletes its `Page` row: report the page once, as its type.
    if instance.content_type_id != ContentType.objects.get_for_model(type(instance)).pk:
        return

    payload = page_payload(Event.PAGE_DELETED, instance, instance.live_revision_id)
    queue_event(Event.PAGE_DELETED, payload)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete
    from wagtail.models import Page
    from wagtail.signals import page_published as published
    from wagtail.signals import page_unpublished as unpublished

    for model in apps.get_models():
        if issubclass(model, Page):
            published.connect(page_published, sender=model, dispatch_uid="webhooks-published")
            unpublished.connect(page_unpublished, sender=model, dispatch_uid="webhooks-unpub")
            post_delete.connect(page_deleted, sender=model, dispatch_uid="webhooks-deleted")
