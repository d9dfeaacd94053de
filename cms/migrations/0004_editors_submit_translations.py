"""Editors and Reviewers may submit translations (wagtail-localize's "Translate" action).

wagtail-localize's own migration gives "Can submit translations" only to an "Editors" group
that exists when it runs; ours is created by 0002, which may run after it, so translators in
the Editors group would see no "Translate" button until someone granted it by hand.
"""

from django.db import migrations

GROUPS = ["Editors", "Reviewers"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    submit = Permission.objects.get(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(submit)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    submit = Permission.objects.filter(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    ).first()
    if submit is not None:
        for group in Group.objects.filter(name__in=GROUPS):
            group.permissions.remove(submit)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_workflow_name_reads_as_a_button"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
