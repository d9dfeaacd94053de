"""Property: whatever query string a client sends, the API answers 2xx/3xx or a 4xx JSON message.

Hypothesis draws parameter names (known and unknown) and values (any text, numbers, field
expressions); a bounded number of examples keeps it CI-sized."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_hostile_input import assert_sound

pytestmark = pytest.mark.django_db

V2_PARAMS = [
    "type",
    "fields",
    "limit",
    "offset",
    "order",
    "search",
    "search_operator",
    "child_of",
    "descendant_of",
    "ancestor_of",
    "translation_of",
    "locale",
    "site",
    "html_path",
    "year_from",
    "year_to",
]

values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["*", "-*", "_", "body(*)", "title,-id", "pages.CaseStudyPage", "random"]),
    st.lists(st.sampled_from(["title", "body", "*", "-id", "hero_image", "(", ")", ","])).map(
        "".join
    ),
)


def queries(names: list[str]):
    return st.lists(
        st.tuples(st.one_of(st.sampled_from(names), st.text(max_size=10)), values), max_size=4
    )


V2_ENDPOINTS = [
    "/api/v2/pages/",
    "/api/v2/pages/find/",
    "/api/v2/images/",
    "/api/v2/documents/",
    "/api/v2/partner-cities/",
    "/api/v2/networks/",
]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(endpoint=st.sampled_from(V2_ENDPOINTS), query=queries(V2_PARAMS))
def test_v2_answers_any_query_with_data_or_a_json_message(api, endpoint, query):
    assert_sound(api.get(endpoint, query))
