"""Every partner city and network that exists stays live, with a first revision.

0007 gave both models Wagtail's draft state (`live` defaults to true, so nothing disappears
from the API). Without a revision, though, the admin's history, "Compare" and the workflow have
nothing to start from, and `live_revision` would name nothing. Each existing object gets one
revision holding its current content (the same JSON `serializable_data()` makes: its fields
and, for a city, its agreements), marked as the live and the latest one.
"""

from django.db import migrations
from django.utils import timezone
from modelcluster.models import get_serializable_data_for_fields

MODELS = [("partnercity", "agreements"), ("network", None)]


def first_revisions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    now = timezone.now()
    for model_name, child_relation in MODELS:
        model = apps.get_model("pages", model_name)
        content_type, _ = ContentType.objects.get_or_create(app_label="pages", model=model_name)
        for obj in model.objects.filter(latest_revision__isnull=True).order_by("pk"):
            content = get_serializable_data_for_fields(obj)
            content.update(live=True, has_unpublished_changes=False)
            content.update(first_published_at=now, last_published_at=now)
            if child_relation:
                children = getattr(obj, child_relation).order_by("sort_order", "pk")
                content[child_relation] = [get_serializable_data_for_fields(c) for c in children]
            revision = Revision.objects.create(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(obj.pk),
                created_at=now,
                object_str=obj.name,
                content=content,
            )
            model.objects.filter(pk=obj.pk).update(
                live=True,
                has_unpublished_changes=False,
                latest_revision=revision,
                live_revision=revision,
                first_published_at=obj.first_published_at or now,
                last_published_at=now,
            )


def forget_revisions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    types = ContentType.objects.filter(app_label="pages", model__in=[m for m, _ in MODELS])
    Revision.objects.filter(base_content_type__in=types).delete()


class Migration(migrations.Migration):
    dependencies = [("pages", "0007_snippet_drafts_revisions_workflow")]

    operations = [migrations.RunPython(first_revisions, forget_revisions)]
