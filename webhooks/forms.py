"""The admin form for a webhook: events as checkboxes."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from webhooks.models import Event, Webhook


class WebhookForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Which events are sent; none selected means all.",
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "secret", "active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}
