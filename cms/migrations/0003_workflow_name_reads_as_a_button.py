"""Rename the moderation workflow so the editor's button reads "Submit to Reviewers".

Wagtail labels the button "Submit to <workflow name>": with the old name it read
"Submit to Editor submits -> Reviewer approves". The workflow's name is what the button says
it is submitted to, so it is named after the people who review.
"""

from django.db import migrations

OLD_NAME = "Editor submits -> Reviewer approves"
NEW_NAME = "Reviewers"


def rename(apps, schema_editor, old=OLD_NAME, new=NEW_NAME):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    if not Workflow.objects.filter(name=new).exists():
        Workflow.objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW_NAME, new=OLD_NAME)


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_editors_and_reviewers")]

    operations = [migrations.RunPython(rename, rename_back)]
