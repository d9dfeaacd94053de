"""Fixtures for the response cache."""

from __future__ import annotations

import pytest


@pytest.fixture
def read(api):
    """GET an API URL with query parameters, as a front end would."""

    def get(url: str, **params):
        return api.get(url, params or None)

    return get
