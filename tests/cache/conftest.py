"""Fixtures for the response cache: a read helper that reports where an answer came from."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_clock_skew_margin(monkeypatch):
    """One machine, one clock: a response rendered after a change may be stored at once.
    (`clock_skew_margin` in test_http_caching restores it for the tests of the margin.)"""
    monkeypatch.setattr("api.cache.RACE_MARGIN_NS", 0)


@pytest.fixture
def read(api):
    def get(url: str, **params):
        response = api.get(url, params or None)
        return response

    return get


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run an editor's change as if its transaction committed (on_commit hooks run)."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run
