"""Editors and reviewers as the data migration sets them up (not superusers), and the admin
form data a browser would post for a case study."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield


def member_of(group_name: str, username: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", f"pw-{username}-1"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor_user(db):
    return member_of("Editors", "eddie")


@pytest.fixture
def reviewer_user(db):
    return member_of("Reviewers", "rita")


def case_study_form(title: str, slug: str, summary: str = "A summary.", **extra) -> dict:
    data = {
        "title": title,
        "slug": slug,
        "summary": summary,
        "body": streamfield([]),
        "themes": "",
        "partner_organisations": inline_formset([]),
        "related_partner_city": "",
        "related_network": "",
        "find_out_more_url": "",
        "find_out_more_label": "",
        "hero_image": "",
        "seo_title": "",
        "search_description": "",
        "comments": inline_formset([]),
    }
    data.update(extra)
    return nested_form_data(data)


def edit_form(page, **changes) -> dict:
    fields = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "related_partner_city": page.related_partner_city_id or "",
        "related_network": page.related_network_id or "",
        "hero_image": page.hero_image_id or "",
        **changes,
    }
    return case_study_form(**fields)
