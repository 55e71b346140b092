"""The outage state's rules, without I/O: one line when the store goes, one when it is back, and only an answer
to a question asked after the outage began counts as "back"."""

from __future__ import annotations

import logging

import pytest

from corskit.server.stores.outage import Outage


def lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(text in r.getMessage() for r in caplog.records)


def test_one_line_per_outage_and_one_per_recovery(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "corskit")
    outage = Outage("redis://127.0.0.1:6379/0", retry_interval=1.0)
    for now in (10.0, 10.5, 12.0):
        outage.failed(ConnectionError("Connection refused"), now)
    assert outage.down_since == 10.0
    assert outage.recovered(13.0, asked=12.5) is True
    assert outage.recovered(14.0, asked=13.5) is False  # already back
    assert (lines(caplog, "unreachable"), lines(caplog, "reachable again after 3.0 s")) == (1, 1)


def test_an_answer_to_a_question_asked_before_the_outage_is_no_recovery(caplog: pytest.LogCaptureFixture) -> None:
    # The reply was read just before Redis died and handled just after the listener saw the connection drop.
    caplog.set_level(logging.WARNING, "corskit")
    outage = Outage("redis://127.0.0.1:6379/0", retry_interval=1.0)
    outage.failed(ConnectionError("Connection reset by peer"), 10.0)
    assert outage.recovered(10.001, asked=9.999) is False
    assert outage.recovered(10.001, asked=10.0) is False
    assert outage.down_since == 10.0
    assert not outage.may_try(10.5)  # still down: misses are refused at once until the retry interval
    outage.failed(ConnectionError("Connection refused"), 11.0)
    assert lines(caplog, "unreachable") == 1
    assert lines(caplog, "reachable again") == 0
    assert outage.recovered(12.0, asked=11.5) is True  # a question asked during the outage, answered
