"""Moderation set up once, for every install: "Editors" write, "Reviewers" publish.

Editors may add and change pages but not publish them; what they submit goes through the
workflow "Editor submits -> Reviewer approves", whose one task is approved by the Reviewers
group. Both the permissions and the workflow sit on the tree root: every hub (one per
language) is a direct child of the root and case studies can only live under a hub, so the
root's subtree is exactly the hub tree, and a hub created later by `load_seed` or by a
translation is covered without another migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WORKFLOW_NAME = "Editor submits -> Reviewer approves"
TASK_NAME = "Reviewer approves"

PAGE_PERMISSIONS = {
    "Editors": ["add_page", "change_page"],
    "Reviewers": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
SNIPPET_PERMISSIONS = {
    "Editors": ["add", "change"],
    "Reviewers": ["add", "change", "delete"],
}
SNIPPET_MODELS = [("pages", "partnercity"), ("pages", "network")]
# Wagtail names the choose permission after the base model ("choose_image"), not ours.
EDITOR_COLLECTION_PERMISSIONS = [
    "add_customimage",
    "change_customimage",
    "choose_image",
    "add_customdocument",
    "change_customdocument",
    "choose_document",
]
COLLECTION_PERMISSIONS = {
    "Editors": EDITOR_COLLECTION_PERMISSIONS,
    "Reviewers": [*EDITOR_COLLECTION_PERMISSIONS, "delete_customimage", "delete_customdocument"],
}


def ensure_permissions_exist(apps):
    # Permissions are normally made after all migrations (post_migrate); on a fresh database
    # they do not exist yet when this runs.
    for label in ("wagtailcore", "wagtailadmin", "pages", "media"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def set_up_moderation(apps, schema_editor):
    ensure_permissions_exist(apps)
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")

    def permission(app_label: str, codename: str):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in PAGE_PERMISSIONS}
    access_admin = permission("wagtailadmin", "access_admin")
    root = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()

    for name, group in groups.items():
        group.permissions.add(access_admin)
        for model_label, model in SNIPPET_MODELS:
            for action in SNIPPET_PERMISSIONS[name]:
                group.permissions.add(permission(model_label, f"{action}_{model}"))
        if root is not None:
            for codename in PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission("wagtailcore", codename)
                )
        if root_collection is not None:
            for codename in COLLECTION_PERMISSIONS[name]:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=permission("media", codename),
                )

    # Editors never publish: drop a publish permission Wagtail or anyone else gave them.
    GroupPagePermission.objects.filter(
        group=groups["Editors"], permission__codename="publish_page"
    ).delete()

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.set([groups["Reviewers"]])

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root is not None:
        # Replaces Wagtail's default "Moderators approval" on the root.
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("pages", "0001_initial"),
        ("media", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(set_up_moderation, migrations.RunPython.noop)]
