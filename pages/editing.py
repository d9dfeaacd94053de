"""Concurrent editing in the admin: nobody replaces a newer version without being told.

Wagtail 8's editing sessions ping every 10 s; once a ping has seen that someone else saved a
newer version, "Save draft" / "Submit" / "Publish" first asks "X saved a new version. Proceeding
will overwrite the changes made by X". Within the 10 s after the other save (or without
JavaScript) the form was accepted as it was, and the other person's change silently left the
latest revision. Wagtail refuses an out-of-date form only for autosave requests, which are off
here (`WAGTAIL_AUTOSAVE_INTERVAL = 0`).

These edit views refuse an out-of-date form (`is_out_of_date`: the revision the form was
loaded from is no longer the latest) once: the editor gets the form back with everything they
typed, a warning naming who saved what when, and a link to that version; the form now names
the latest revision, so saving again (knowingly) goes through. An editor who already chose
"Continue" in Wagtail's own dialog is not asked twice: `OVERWRITE_CONFIRMED_JS` (added to the
editor by `pages/wagtail_hooks.py`) marks the form they confirmed. The other version stays in
the history either way.

Scripts have the same problem without the warning: Wagtail's model API is last-writer-wins.
Two processes that each load a page, change a different field and `save_revision().publish()`
publish two full snapshots; the later one puts back the field the earlier one changed (both
revisions are kept, so History can compare and revert). `change_and_publish` is the safe
pattern: one writer at a time on the object's row, each starting from the version the previous
one published.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import format_html
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.pages.edit import EditView as PageEditView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import DraftStateMixin, Page
from wagtail.snippets.permissions import get_permission_name
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail_localize.views.update_translations import UpdateTranslationsView

WARNING = (
    "{} saved a newer version ({}) while you were editing. Nothing you changed is saved yet: "
    'it is all still in this form. <a href="{}" target="_blank" rel="noopener">Open the newer '
    "version in a new tab</a> to compare; saving again replaces it with yours (it stays in "
    "History)."
)


# Wagtail's "X saved a new version ... Continue" dialog clicks the button again once confirmed;
# this marks that submission (capture phase: before the dialog's own listener submits).
OVERWRITE_CONFIRMED_JS = """<script>
document.addEventListener("w-dialog:confirmed", (event) => {
  if (event.target.id !== "w-save-confirmation-dialog") return;
  const form = event.target.closest("[data-edit-form]");
  if (!form) return;
  let marker = form.querySelector("input[name=overwrite_confirmed]");
  if (!marker) {
    marker = Object.assign(document.createElement("input"), { type: "hidden", name: "overwrite_confirmed" });
    form.append(marker);
  }
  marker.value = "1";
}, true);
</script>"""


def refuses_overwrite(view) -> bool:
    """An out-of-date form that nobody confirmed overwriting (a form post, not autosave)."""
    return (
        not view.expects_json_response
        and view.request.POST.get("overwrite_confirmed") != "1"
        and view.is_out_of_date
    )


def warn_of_newer_version(view) -> None:
    revision = view.latest_revision
    who = get_user_display_name(revision.user) if revision.user else "Someone"
    when = timezone.localtime(revision.created_at).strftime("%d %b %Y %H:%M:%S")
    messages.warning(view.request, format_html(WARNING, who, when, view.request.path))


class OverwriteCheckingPageEditView(PageEditView):
    def form_valid(self, form):
        if self.action_name != "cancel_workflow" and refuses_overwrite(self):
            warn_of_newer_version(self)
            self.has_unsaved_changes = True
            return self.render_to_response(self.get_context_data())
        return super().form_valid(form)


class OverwriteCheckingSnippetEditView(SnippetEditView):
    def form_valid(self, form):
        if self.action != "cancel-workflow" and refuses_overwrite(self):
            warn_of_newer_version(self)
            self.form = form
            return self.render_to_response(self.get_context_data(form=form))
        return super().form_valid(form)


class HeadlessPageViewSet(PageViewSet):
    """The hub's and case studies' admin views: Wagtail's, with the overwrite check."""

    edit_view_class = OverwriteCheckingPageEditView


def change_and_publish(
    model: type[models.Model],
    pk: int,
    change: Callable[[models.Model], None],
    *,
    user=None,
):
    """For scripts: apply `change` to the live version of a page or snippet and publish it as
    a new revision, holding the object's row (`SELECT ... FOR UPDATE`) from the read to the
    publish, so a concurrent writer waits and then starts from this version instead of
    putting back what this one changed. Returns the published revision."""
    with transaction.atomic():
        obj = model._default_manager.select_for_update().get(pk=pk)
        change(obj)
        revision = obj.save_revision(user=user, log_action=True)
        revision.publish(user=user)
    return revision


class ReviewedUpdateTranslationsView(UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages / snippets", whose "Publish immediately"
    published every translation for anyone allowed to translate (the Editors group), past the
    Reviewers workflow. Those who may not publish the source do not get it (a posted value is
    ignored): they sync, and a reviewer publishes each translation from its translation
    editor."""

    def may_publish(self) -> bool:
        instance = self.object.get_source_instance()
        user = self.request.user
        if isinstance(instance, Page):
            return instance.permissions_for_user(user).can_publish()
        if isinstance(instance, DraftStateMixin):
            return user.has_perm(get_permission_name("publish", type(instance)))
        return True

    def get_form(self):
        form = super().get_form()
        if not self.may_publish():
            field = form.fields["publish_translations"]
            field.disabled = True  # its value is then the initial False, whatever is posted
            field.widget = forms.HiddenInput()  # and the form does not offer it
        return form
