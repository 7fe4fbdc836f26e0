"""Replies as Cloud API messages: buttons, lists, numbered lists, cut titles, split text."""

from __future__ import annotations

from bot.channels.whatsapp.render import MAX_ROW_DESCRIPTION, MAX_ROW_TITLE, render
from bot.conversation.messages import Choice, Document, Photo, Reply
from bot.i18n import translator
from tests.fakes.whatsapp_limits import check_interactive, check_media, check_text

EN = translator("en")


def choices(*labels: str) -> tuple[Choice, ...]:
    return tuple(Choice(f"id{i}", label, str(i)) for i, label in enumerate(labels, 1))


def valid(message) -> bool:
    body = message.body
    kind = body["type"]
    if kind == "text":
        return check_text(body["text"]) is None
    if kind == "interactive":
        return check_interactive(body["interactive"]) is None
    return check_media(kind, {**body[kind], "id": "x"}, {"x"}) is None


def test_up_to_three_short_choices_are_reply_buttons() -> None:
    [message] = render(Reply("Is this right?", choices("Yes", "No"), token="7"), EN)
    buttons = message.body["interactive"]["action"]["buttons"]
    assert message.body["interactive"]["type"] == "button" and valid(message)
    assert [b["reply"] for b in buttons] == [
        {"id": "7:id1", "title": "Yes"},
        {"id": "7:id2", "title": "No"},
    ]


def test_long_labels_become_a_list_with_the_whole_label_as_description() -> None:
    label = "Water supply, sewerage and the village wells"
    [message] = render(Reply("Which?", choices(label, "Roads"), token="3"), EN)
    rows = message.body["interactive"]["action"]["sections"][0]["rows"]
    assert message.body["interactive"]["type"] == "list" and valid(message)
    assert len(rows[0]["title"]) <= MAX_ROW_TITLE and rows[0]["title"].endswith("…")
    assert rows[0]["description"] == label and len(label) <= MAX_ROW_DESCRIPTION
    assert "description" not in rows[1]
    assert message.body["interactive"]["action"]["button"] == "Choose an option"


def test_more_than_ten_choices_are_a_numbered_list() -> None:
    labels = [f"Village {i}" for i in range(1, 13)]
    [message] = render(Reply("Where?", choices(*labels), token="1"), EN)
    assert message.body["type"] == "text"
    assert "1 Village 1" in message.body["text"]["body"]
    assert "12 Village 12" in message.body["text"]["body"]


def test_long_text_is_split_at_paragraphs_and_buttons_go_last() -> None:
    paragraph = "A paragraph of the report. " * 30  # ~810 characters
    text = "\n\n".join([paragraph.strip()] * 8)  # ~6,500 characters
    messages = render(Reply(text, choices("Yes", "No"), token="2"), EN)
    assert all(valid(m) for m in messages)
    assert messages[-1].body["type"] == "interactive"
    bodies = [
        m.body.get("text", {}).get("body") or m.body["interactive"]["body"]["text"]
        for m in messages
    ]
    assert all(b.endswith("report.") for b in bodies)  # cut between paragraphs
    assert sum(len(b) for b in bodies) >= len(text) - 8 * 2


def test_files_and_photos_go_as_media_with_the_caption() -> None:
    chart = Document("needs.png", "image/png", b"\x89PNG")
    sheet = Document("needs.xlsx", "application/vnd.ms-excel", b"PK")
    [image] = render(Reply("Needs in May", document=chart), EN)
    [document] = render(Reply("The figures", document=sheet), EN)
    [photo] = render(Reply("N-000001", photo=Photo("whatsapp:123")), EN)
    assert image.body["type"] == "image" and image.upload is chart and valid(image)
    assert document.body["document"]["filename"] == "needs.xlsx" and valid(document)
    assert photo.fetch == "123" and photo.body["image"]["caption"] == "N-000001"
