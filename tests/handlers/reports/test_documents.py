"""A report's files travel as Reply.document: through the outbox payload, past the merging of
plain statements, and out through each channel's renderer."""

from __future__ import annotations

from bot.channels.simulator import SIMULATOR
from bot.channels.simulator import render as show
from bot.channels.telegram import TELEGRAM
from bot.channels.telegram.render import render
from bot.conversation.messages import Document, Reply, merge_replies

CHART = Document("chart.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
TABLE = Document("table.xlsx", "application/vnd.ms-excel", b"PK\x03\x04 data")


def test_a_document_survives_the_outbox_payload() -> None:
    reply = Reply("Summary", document=CHART)
    assert Reply.from_payload(reply.to_payload()) == reply
    assert "document" not in Reply("plain").to_payload()  # other messages' payloads unchanged


def test_statements_are_not_folded_into_a_file_nor_a_file_into_the_menu() -> None:
    replies = [Reply("Before"), Reply("Summary", document=CHART), Reply("Menu")]
    merged = merge_replies(replies, TELEGRAM.capabilities)
    assert [(r.text, r.document) for r in merged] == [
        ("Before", None),
        ("Summary", CHART),
        ("Menu", None),
    ]


def test_channels_render_files() -> None:
    (picture,) = render(Reply("Summary", document=CHART))
    assert (picture.text, picture.document, picture.photo) == ("Summary", CHART, None)
    long = render(Reply("x " * 700, document=TABLE))
    assert long[0].document == TABLE and len(long[0].text) <= 1024 and long[1].document is None
    assert show(Reply("Table", document=TABLE)) == "Table\n  [file: table.xlsx]"
    assert CHART.is_image and not TABLE.is_image
    assert TELEGRAM.capabilities.documents and SIMULATOR.capabilities.documents
