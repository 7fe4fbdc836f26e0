"""What the fuzz test (test_fuzz.py) sends: junk text in every script, Telegram updates and
Twilio forms a person, a broken phone or an attacker might send."""

from __future__ import annotations

import json
import random
from typing import Any

from tests.bot.channels.telegram.test_updates import NOT_UPDATES
from tests.fakes.telegram_api import FakeTelegram

SECRET = "fuzz-secret"  # the webhook's secret token
FROM = "+996700000009"  # Kenesh's Twilio number

WORDS = [
    "menu", "back", "cancel", "help", "language", "меню", "назад", "отмена", "помощь", "артка",
    "жардам", "menyu", "orqaga", "yordam", "yes", "no", "да", "ооба", "ha", "Barpy", "Бишкек",
    "Ош", "Jalal-Abad", "skip", "0", "00", "1", "2", "3", "4", "5", "9", "12", "-1", "1.5",
    "/start", "/menu", "/help", "/language", "/cancel", "/start KNS-7QH4-M2XP", "KNS-AAAA-BBBB",
    "N-000001", "T-000001", "7QH4-M2XP", "7QH4M2", "2027-01-15 10:00", "15.01.2027 10:00",
    "0555 123 456", "+996555123456", "STOP", "START", "HELP", "стоп", "старт", "токто",
]  # fmt: skip
DIGITS = "0123456789²³¹⁰⁴⁹٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９०१२३४५६७८९①②"
ODD = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u200b\u200d\u202e\u2028\u2029\ufeff\ufffd\ud800\udfff"
SCRIPTS = "abcXYZ абвгдеёжзңөүАБВ oʻgʻOʻ ابپتثجح 漢字かな 😀👍🏽👨‍👩‍👧🔥 \u0301\u0308 <>&\"'%;{}[]\\ \t\n\r"


def junk(rng: random.Random) -> str:
    """A text a person, a broken phone or an attacker might send."""
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(WORDS)
    if kind < 0.5:
        return "".join(rng.choices(DIGITS, k=rng.choice([1, 1, 2, 3, 25, 5000])))
    alphabet = SCRIPTS + ODD * (kind > 0.8)
    length = rng.choice([0, 1, 2, 5, 20, 200, 1001, 4096, 5000])
    return "".join(rng.choices(alphabet, k=length))


def form_text(text: str) -> str:
    """`text` as a form can carry it (UTF-8 has no lone surrogates)."""
    return "".join(c for c in text if not "\ud800" <= c <= "\udfff")


def telegram_input(rng: random.Random, fake: FakeTelegram, chat: int) -> tuple[dict, Any]:
    """An update from `chat` and what should answer it (a chat id, a callback id, or None)."""
    kind = rng.random()
    if kind < 0.3:
        keyboard = fake.last_keyboard(chat) or []
        buttons = [button for row in keyboard for button in row]
        if buttons:
            button = rng.choice(buttons)
            if "callback_data" in button:
                update = fake.callback(chat, button["callback_data"])
                return update, ("callback", update["callback_query"]["id"])
            return fake.message(chat, text=button["text"]), chat
    if kind < 0.36:
        data = rng.choice(["", "x", "1:2:3", "9999:__more", "-:__skip", junk(rng)[:64]])
        update = fake.callback(chat, data or "x")
        return update, ("callback", update["callback_query"]["id"])
    if kind < 0.42:
        ids = [rng.choice(["AgAD" + "x" * 60, "y" * rng.choice([1, 512, 513, 4000])])]
        return fake.message(chat, photo_file_ids=ids), chat
    if kind < 0.47:
        where = rng.choice([(41.1, 72.9), (90.0, 180.0), (-91.0, 0.0), (1e300, -1e300), (0, 0)])
        return fake.message(chat, location=where), chat
    if kind < 0.52:
        phone = rng.choice(["+996555000001", "+996555000002", "0555 000 003", "12", junk(rng)])
        owner = rng.choice([None, chat + 1])
        return fake.message(chat, contact=(phone[:64] or "1", owner)), chat
    if kind < 0.55:  # a sticker: a message with no text at all
        update = fake.message(chat, text="")
        del update["message"]["text"]
        update["message"]["sticker"] = {
            "file_id": "s" * 40, "file_unique_id": "u", "type": "regular", "width": 512,
            "height": 512, "is_animated": False, "is_video": False,
        }  # fmt: skip
        return update, chat
    return fake.message(chat, text=junk(rng)), chat


def telegram_hostile(rng: random.Random, fake: FakeTelegram) -> tuple[bytes, str, set[int]]:
    """A request to refuse: its body, the secret it carries and the statuses that may answer."""
    kind = rng.random()
    update = fake.message(rng.randrange(10**6, 10**7), text="hi")
    if kind < 0.25:
        return rng.choice(NOT_UPDATES), SECRET, {400, 413}
    if kind < 0.4:
        return json.dumps(update).encode(), rng.choice(["", "guess", SECRET + "x"]), {401}
    if kind < 0.55:
        return b'{"update_id": 1, "message": {"padding": "' + b"x" * 70_000 + b'"}}', SECRET, {413}
    if kind < 0.75:  # a real update with one field broken
        message = update["message"]
        target = rng.choice(["chat", "from", "date", "message_id", "text", "entities"])
        message[target] = rng.choice([None, "str", -1, 2**70, [], {}, [[[]]], 1.5, True])
        return json.dumps(update).encode(), SECRET, {200, 400}
    if kind < 0.85:  # a group's message, an edited message, a channel post: no one to answer
        chat_type = rng.choice(["group", "supergroup"])
        other = fake.message(-rng.randrange(10**6, 10**7), text="hi", chat_type=chat_type)
        other["edited_message"] = other.pop("message") | {"edit_date": 1}
        return (
            json.dumps(rng.choice([other, update | {"message": None}])).encode(),
            SECRET,
            {
                200,
                400,
            },
        )
    junk_bytes = bytes(rng.randrange(256) for _ in range(rng.choice([1, 10, 300])))
    return junk_bytes, SECRET, {400}


def twilio_form(rng: random.Random, phone: str, sid: int) -> dict[str, str]:
    params = {
        "MessageSid": f"SM{sid:032x}",
        "AccountSid": "AC" + "0123456789abcdef" * 2,
        "From": phone,
        "To": FROM,
        "Body": form_text(junk(rng)[:1600]),
        "NumMedia": "0",
    }
    if rng.random() < 0.08:
        params |= {"NumMedia": rng.choice(["1", "x", "-1", "99"]), "MediaUrl0": rng.choice(
            ["https://api.twilio.com/media/ME1", "https://x/" + "y" * 600, "", form_text(junk(rng)[:99])]
        )}  # fmt: skip
    return params


def carries_a_picture(form: dict[str, str]) -> bool:
    """Whether Kenesh reads `form` as an MMS: then its text is a caption, never STOP or START.
    A broken NumMedia ("x", "-1") or an empty MediaUrl0 leaves a plain text, keywords and all."""
    count = form["NumMedia"]
    return count.isascii() and count.isdigit() and int(count) > 0 and bool(form.get("MediaUrl0"))
