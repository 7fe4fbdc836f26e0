"""Send counters of the fakes."""

from __future__ import annotations

from tests.fakes.stats import SendStats


def test_counts_outcomes_recipients_and_duplicates() -> None:
    stats = SendStats(service="test", rate=None)
    stats.record(200, 1, "hello")
    stats.record(201, 1, "hello")  # the same again: a repeated delivery
    stats.record(200, 1, "bye")
    stats.record(200, 2, "hello", paid=True)
    stats.record(429, 3, "hello")
    stats.record(403, 3, "hello")

    json = stats.as_json()
    assert {key: json[key] for key in ("ok", "throttled", "failed", "paid", "duplicates")} == {
        "ok": 4,
        "throttled": 1,
        "failed": 1,
        "paid": 1,
        "duplicates": 1,
    }
    assert json["recipients"] == 2
    assert json["settings"] == {"service": "test", "rate": None}
    assert json["first_sent_at"] <= json["last_sent_at"]

    stats.reset()
    assert stats.as_json() | {"settings": None} == {
        **dict.fromkeys(("ok", "throttled", "failed", "paid", "duplicates"), 0),
        "max_per_second": 0,
        "recipients": 0,
        "first_sent_at": None,
        "last_sent_at": None,
        "settings": None,
    }


def test_max_per_second_is_over_a_sliding_window() -> None:
    stats = SendStats()
    now = [0.0]
    stats.clock = lambda: now[0]
    for moment in (0.0, 0.5, 0.9, 1.0, 1.2, 1.4, 1.8, 3.0):
        now[0] = moment
        stats.record(200, moment, "x")

    assert stats.max_per_second == 5  # 0.9, 1.0, 1.2, 1.4, 1.8 fall within (0.8, 1.8]
    assert stats.ok == 8
