"""The API's JSON renderer (orjson) writes exactly the bytes DRF's own renderer writes."""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.utils.functional import lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from api.renderers import JSONRenderer

lazy_text = lazy(lambda text: text, str)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # beyond 64 bits too
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),  # control characters, U+2028, astral planes
    st.decimals(allow_nan=False, allow_infinity=False, places=6),
    st.datetimes(timezones=st.sampled_from([None, datetime.UTC])),
    st.dates(),
    st.times(),
    st.uuids(),
    st.text().map(lazy_text),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.text(), st.integers()), children, max_size=5),
    ),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(values)
def test_answers_are_encoded_byte_for_byte_as_drf_would(value):
    assert JSONRenderer().render(value) == DRFJSONRenderer().render(value)


def test_small_floats_are_written_as_python_writes_them():
    for value in (5e-05, 1e-07, 2.1637606819427546e-07, -9.99e-05, 0.0001, 1e16):
        assert JSONRenderer().render({"x": value}) == DRFJSONRenderer().render({"x": value})


def test_api_answers_keep_drf_separators_and_escapes():
    data = {"a": [1, 2.5, "Fran\u00e7ais \u2028\u2029 </script>"], "id": uuid.UUID(int=1)}
    data["when"] = datetime.datetime(2024, 3, 1, 9, 0, 0, 123456, tzinfo=datetime.UTC)
    data["price"] = decimal.Decimal("1.50")
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


def test_a_float_json_cannot_hold_is_null_instead_of_an_error():
    assert JSONRenderer().render({"x": float("nan"), "y": float("inf")}) == b'{"x":null,"y":null}'
