"""ui.state.prepare_published: the sample council's publication worked out ahead, in the background, once per view;
never a person's upload (their files are worked out in their own session only), and only in a running server."""

from __future__ import annotations

import threading

import pytest
import streamlit.runtime

from data_loaders.source import Source
from metrics.settings import Settings
from ui import state


@pytest.fixture
def in_a_server(monkeypatch):
    monkeypatch.setattr(streamlit.runtime, "exists", lambda: True)
    monkeypatch.setattr(state, "_AHEAD", set())


def test_outside_a_server_nothing_is_started():
    view = state.View(state.sample_sources(), True, "Wexcombe Borough Council", Settings())
    assert not state.prepare_published(view)


def test_a_persons_upload_is_never_worked_out_outside_their_session(in_a_server):
    upload = (Source("staff.csv", b"Employee No,Ethnicity\n1,White British\n", None),)
    assert not state.prepare_published(state.View(upload, False, "My organisation", Settings()))


def test_the_sample_councils_view_is_worked_out_once_in_the_background(in_a_server, monkeypatch):
    import pipeline.api

    original = pipeline.api.published_together
    calls: list[str] = []
    done = threading.Event()

    def counted(analysis):
        calls.append(threading.current_thread().name)
        try:
            return original(analysis)
        finally:
            done.set()

    monkeypatch.setattr(pipeline.api, "published_together", counted)
    # An organisation name of its own: a view no other test has worked out, so the shared cache has not got it.
    view = state.View(state.sample_sources(), True, "Wexcombe Borough Council (worked out ahead)", Settings())
    assert state.prepare_published(view)
    assert not state.prepare_published(view)  # once per view
    assert done.wait(180)
    assert calls == ["wres-publish-ahead"]
