"""Writing an announcement on the web: its preview has the bot's figures, sending needs the
preview of the text as it is, every field's bad input is said next to it, nothing typed is lost."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from models import Address, AuditEvent, Broadcast, BroadcastStatus, OutboxMessage, Role
from models.base import utcnow
from tests.factories import ELSEWHERE, create_resident, create_staff, municipality
from tests.workspace import browser, create_member, sign_in, workspace_app

TEXT = "Public hearing on the budget on Friday at 10:00 in the ayil okmotu."


@pytest.fixture
async def app(database):
    return await workspace_app(database)


def compose(csrf: str, **changes: object) -> dict[str, object]:
    """The compose form as a clerk fills it in: English text, residents, now."""
    return {
        "csrf": csrf,
        "text_ky": "",
        "text_ru": "",
        "text_uz": "",
        "text_en": TEXT,
        "audience": "residents",
        "when": "now",
        "at": "",
        "action": "preview",
    } | changes


def seen_of(page: str) -> str:
    found = re.search(r'name="seen" value="([0-9a-f]+)"', page)
    assert found, "no preview to confirm on the page"
    return found.group(1)


async def count(app, model) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count(model.id)))


async def audience_on_every_channel(app) -> None:
    """Residents of Barpy on the simulator, SMS (two operators, one stopped), Telegram and
    WhatsApp (one inside the 24-hour window, one outside); and one of another municipality."""
    await create_resident(app, "sim-ky", language="ky")
    await create_resident(app, "+996555123456", language="ru", channel="sms")
    await create_resident(app, "+996700123456", language="ky", channel="sms")
    stopped = await create_resident(app, "+996770123456", language="ru", channel="sms")
    await create_resident(app, "5551001", language="en", channel="telegram")
    fresh = await create_resident(app, "+996555000111", language="uz", channel="whatsapp")
    stale = await create_resident(app, "+996555000222", language="ru", channel="whatsapp")
    await create_resident(app, "far", code=ELSEWHERE)
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Address).where(Address.person_id == stopped.id).values(opted_out=True)
        )
        await session.execute(
            update(Address).where(Address.person_id == fresh.id).values(last_seen_at=utcnow())
        )
        await session.execute(
            update(Address)
            .where(Address.person_id == stale.id)
            .values(last_seen_at=utcnow() - timedelta(days=3))
        )


async def test_the_preview_shows_the_bots_figures_for_the_same_audience(app) -> None:
    await audience_on_every_channel(app)
    officer = await create_staff(app, "officer")  # in the bot, on the simulator
    await officer.choose("Announcement (staff)")
    await officer.choose("Residents")
    await officer.choose("No, continue")
    await officer.say(TEXT)
    await officer.choose("That's all, continue")
    bot = await officer.choose("Now")
    counts = re.search(
        r"Recipients: (.*)\. Skipped \(stopped or unreachable\): (\d+)\. SMS cost: (\d+) segments",
        bot,
    )
    assert counts, bot
    channels = dict(
        (name, int(n)) for name, n in re.findall(r"([A-Za-z][A-Za-z ]*?) (\d+)", counts[1])
    )
    whatsapp = next(line for line in bot.splitlines() if line.startswith("WhatsApp:"))
    clerk = await create_member(app, "clerk")  # one more resident of Barpy on the simulator
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        live = await client.post("/staff/broadcasts/preview", data=compose(csrf))
    assert live.status_code == 200
    page = live.text
    shown = dict(re.findall(r'<dt>· ([^<]+)</dt><dd data-channel="[^"]+">(\d+)</dd>', page))
    expected = {name: n + (name == "Terminal simulator") for name, n in channels.items()}
    assert {name: int(n) for name, n in shown.items()} == expected
    assert f'data-figure="skipped">{counts[2]}<' in page and counts[2] == "1"
    assert f'data-figure="sms">{counts[3]} segments<' in page
    assert f'data-figure="whatsapp">{whatsapp}<' in page
    assert "1 within the 24-hour window, 1 outside it" in whatsapp
    # each language's readers: what they get, signed, and what one SMS of it costs
    assert f'data-message="ru">Айыльный аймак Барпы: {TEXT}<' in page
    assert "not written: they get the closest language" in page
    assert re.search(r'data-sms="ru">One SMS: 2 segments \(UCS-2\)\.\s+1 reader gets it', page)


async def test_sending_needs_the_preview_of_the_text_as_it_is(app) -> None:
    reader = await create_resident(app, "reader", language="ru")
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        unseen = await client.post("/staff/broadcasts/new", data=compose(csrf, action="send"))
        assert unseen.status_code == 200 and await count(app, Broadcast) == 0
        previewed = await client.post("/staff/broadcasts/new", data=compose(csrf))
        assert previewed.status_code == 200 and 'id="confirm"' in previewed.text
        assert "Send it to 2 people now" in previewed.text  # the reader and the clerk
        seen = seen_of(previewed.text)
        edited = compose(csrf, action="send", seen=seen, text_ru="Слушания по бюджету в пятницу.")
        changed = await client.post("/staff/broadcasts/new", data=edited)
        assert changed.status_code == 200 and await count(app, Broadcast) == 0
        assert "The announcement changed after its preview" in changed.text
        assert "Слушания по бюджету в пятницу." in changed.text  # the new text, kept
        assert 'data-message="ru">Айыльный аймак Барпы: Слушания' in changed.text  # new preview
        live = await client.post("/staff/broadcasts/preview", data=edited)
        assert "The announcement changed after its preview" in live.text
        sent = await client.post(
            "/staff/broadcasts/new", data=edited | {"seen": seen_of(changed.text)}
        )
        assert sent.status_code == 303
        page = await client.get(sent.headers["location"])
    assert "is on its way to 2 people." in page.text
    async with app.sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
        body = await session.scalar(
            select(OutboxMessage.body).where(OutboxMessage.person_id == reader.id)
        )
        changes = (
            await session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "web_change")
            )
        ).all()
    assert broadcast.status == BroadcastStatus.queued and broadcast.author_id == clerk.id
    assert body == "Айыльный аймак Барпы: Слушания по бюджету в пятницу."
    assert changes == ["page=/staff/broadcasts/new"]


async def test_bad_input_is_said_next_to_each_field_and_kept(app) -> None:
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        cases = {
            "text_ky": {"text_en": ""},
            "text_ru": {"text_ru": "ок"},
            "text_uz": {"text_uz": "x" * 1001},
            "audience": {"audience": "aliens"},
            "channel": {"channel": "pigeon"},
            "languages": {"languages": ["ky", "fr"]},
            "category": {"category": "999999"},
            "when": {"when": "someday"},
            "at": {"when": "later", "at": "в пятницу"},
        }
        pages = {}
        for name, changes in cases.items():
            for action in ("preview", "send"):
                page = await client.post(
                    "/staff/broadcasts/new", data=compose(csrf, action=action, **changes)
                )
                assert page.status_code == 422, (name, page.text)
                assert f'id="{name}-error"' in page.text, name
                pages[name] = page.text
        past = await client.post(
            "/staff/broadcasts/new",
            data=compose(csrf, when="later", at="01.01.2020 10:00", action="send"),
        )
    assert pages["text_ky"].count('class="error"') == 1  # one message for "no text at all"
    assert "Напишите объявление хотя бы на одном языке." in pages["text_ky"]  # in Russian
    assert 'value="pigeon"' not in pages["channel"] and TEXT in pages["channel"]  # text kept
    assert "x" * 1001 in pages["text_uz"] and "1001" in pages["text_uz"]
    assert 'value="в пятницу"' in pages["at"]
    assert past.status_code == 422 and 'id="at-error">Это время уже прошло' in past.text
    assert 'value="01.01.2020 10:00"' in past.text and TEXT in past.text
    assert await count(app, Broadcast) == 0


async def test_a_time_set_is_kept_for_later_in_bishkek_time(app) -> None:
    await create_resident(app, "reader")
    clerk = await create_member(app, "clerk")
    at = (datetime.now(ZoneInfo("Asia/Bishkek")) + timedelta(days=2)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    form = {"when": "later", "at": f"{at:%d.%m.%Y %H:%M}"}
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        previewed = await client.post("/staff/broadcasts/new", data=compose(csrf, **form))
        assert "Schedule it" in previewed.text
        sent = await client.post(
            "/staff/broadcasts/new",
            data=compose(csrf, action="send", seen=seen_of(previewed.text), **form),
        )
        assert sent.status_code == 303
        page = await client.get(sent.headers["location"])
    assert "will be sent at" in page.text and "09:30" in page.text
    async with app.sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
    assert broadcast.status == BroadcastStatus.scheduled and broadcast.send_at == at
    assert await count(app, OutboxMessage) == 0  # nothing queued before its time


def span_around(start_hours: int, end_hours: int) -> str:
    now = datetime.now(ZoneInfo("Asia/Bishkek"))
    start, end = now + timedelta(hours=start_hours), now + timedelta(hours=end_hours)
    return f"{start:%H:%M}-{end:%H:%M}"


async def test_in_quiet_hours_it_waits_unless_urgent_which_is_recorded(database) -> None:
    span = span_around(-2, 2)
    app = await workspace_app(database, quiet_hours=span)
    end = span.split("-")[1]
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        previewed = await client.post("/staff/broadcasts/new", data=compose(csrf))
        assert f"it will wait until {end}" in previewed.text
        assert 'name="urgent"' in previewed.text
        seen = seen_of(previewed.text)
        held = await client.post(
            "/staff/broadcasts/new", data=compose(csrf, action="send", seen=seen)
        )
        told = (await client.get(held.headers["location"])).text
        urgent = await client.post(
            "/staff/broadcasts/new", data=compose(csrf, action="send", seen=seen, urgent="1")
        )
        assert urgent.status_code == 303
    assert f"Quiet hours: it goes out at {end}." in told
    async with app.sessions() as session:
        made = (await session.scalars(select(Broadcast).order_by(Broadcast.id))).all()
        audited = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "broadcast_urgent"))
        ).all()
    assert [b.urgent for b in made] == [False, True]
    urgent_detail = f"broadcast={made[1].id} page=/staff/broadcasts/new"
    assert [(e.person_id, e.detail) for e in audited] == [(clerk.id, urgent_detail)]


async def test_outside_quiet_hours_urgent_is_neither_offered_nor_taken(database) -> None:
    app = await workspace_app(database, quiet_hours=span_around(2, 4))
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        previewed = await client.post("/staff/broadcasts/new", data=compose(csrf))
        assert 'name="urgent"' not in previewed.text and "Quiet hours" not in previewed.text
        form = compose(csrf, action="send", seen=seen_of(previewed.text), urgent="1")
        assert (await client.post("/staff/broadcasts/new", data=form)).status_code == 303
    async with app.sessions() as session:
        assert (await session.scalar(select(Broadcast))).urgent is False


async def test_staff_reach_only_their_municipality_and_admins_choose(app) -> None:
    elsewhere = await municipality(app, ELSEWHERE)
    await create_resident(app, "far", code=ELSEWHERE)
    clerk = await create_member(app, "clerk")
    admin = await create_member(app, "boss", role=Role.admin, code=None)
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        theirs = compose(csrf, municipality=str(elsewhere.id))
        assert (await client.post("/staff/broadcasts/preview", data=theirs)).status_code == 403
        refused = await client.post("/staff/broadcasts/new", data=theirs | {"action": "send"})
        assert refused.status_code == 403
        assert "This is not in your municipality" in refused.text
    async with app.sessions() as session:
        refusals = await session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "broadcast", AuditEvent.outcome == "refused"
            )
        )
    assert refusals == 2 and await count(app, Broadcast) == 0
    async with browser(app) as client:
        csrf = await sign_in(client, app, admin)
        form = compose(csrf, municipality=str(elsewhere.id))
        previewed = await client.post("/staff/broadcasts/new", data=form)
        assert "Send it to 1 person now" in previewed.text  # Pokrovka's one resident
        every = await client.post("/staff/broadcasts/new", data=compose(csrf, municipality=""))
        assert "All municipalities" in every.text
        bogus = await client.post("/staff/broadcasts/new", data=compose(csrf, municipality="x"))
        assert bogus.status_code == 422 and 'id="municipality-error"' in bogus.text
        sent = await client.post(
            "/staff/broadcasts/new", data=form | {"action": "send", "seen": seen_of(previewed.text)}
        )
        assert sent.status_code == 303
    async with app.sessions() as session:
        assert (await session.scalar(select(Broadcast))).municipality_id == elsewhere.id


async def test_forms_without_their_csrf_token_are_refused(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        for path in ("/staff/broadcasts/new", "/staff/broadcasts/preview"):
            forged = await client.post(path, data=compose("forged", action="send"))
            assert forged.status_code == 403 and "This form has expired" in forged.text
    assert await count(app, Broadcast) == 0
