"""Partner cities and networks go through the "Reviewers" workflow too; one workflow, two groups.

* The workflow "Reviewers" (0002/0003) is assigned to the partner city and network models
  (Wagtail's `WorkflowContentType`: snippets get their workflow per model, pages per subtree).
* Reviewers may publish, lock and unlock them; Editors may lock one they work on (and unlock
  their own lock, as Wagtail allows) but never publish: their "Submit to Reviewers" starts the
  workflow, as for pages. Wagtail makes the publish/lock/unlock permissions after all
  migrations (post_migrate); on a fresh database they are made here first.
* Wagtail's own default moderation ("Moderators approval" workflow and task, for its
  "Moderators" group) has no place beside it: 0002 took it off the tree root, and the README
  names two groups. It is deleted where nothing refers to it; a workflow or task that has
  history (an object went through it) is deactivated instead, so that history stays. The
  "Moderators" group is deleted when nobody is in it (people in it keep it; move them to
  Reviewers and delete it in Settings -> Groups).
"""

from django.db import migrations

SNIPPET_MODELS = ["partnercity", "network"]
WORKFLOW_NAME = "Reviewers"
EXTRA_PERMISSIONS = {
    "Editors": ["lock"],
    "Reviewers": ["publish", "lock", "unlock"],
}
VERBOSE_NAMES = {"partnercity": "partner city", "network": "network"}
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
WAGTAIL_DEFAULT_GROUP = "Moderators"


def review_snippets(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    for model in SNIPPET_MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label="pages", model=model)
        if workflow is not None:
            WorkflowContentType.objects.update_or_create(
                content_type=content_type, defaults={"workflow": workflow}
            )
        for group_name, actions in EXTRA_PERMISSIONS.items():
            group = Group.objects.filter(name=group_name).first()
            if group is None:
                continue
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {VERBOSE_NAMES[model]}"},
                )
                group.permissions.add(permission)


def remove_wagtails_default_moderation(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    for workflow in Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW):
        in_use = (
            WorkflowState.objects.filter(workflow=workflow).exists()
            or WorkflowPage.objects.filter(workflow=workflow).exists()
            or WorkflowContentType.objects.filter(workflow=workflow).exists()
        )
        if in_use:
            Workflow.objects.filter(pk=workflow.pk).update(active=False)
        else:
            workflow.delete()
    for task in Task.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW):
        if TaskState.objects.filter(task=task).exists() or WorkflowTask.objects.filter(
            task=task
        ).exclude(workflow__name=WAGTAIL_DEFAULT_WORKFLOW).exists():
            Task.objects.filter(pk=task.pk).update(active=False)
        else:
            WorkflowTask.objects.filter(task=task).delete()
            task.delete()
    group = Group.objects.filter(name=WAGTAIL_DEFAULT_GROUP).first()
    if group is not None and not group.user_set.exists():
        group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_loginfailure"),
        ("pages", "0008_snippets_live_with_a_first_revision"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(review_snippets, migrations.RunPython.noop),
        migrations.RunPython(remove_wagtails_default_moderation, migrations.RunPython.noop),
    ]
