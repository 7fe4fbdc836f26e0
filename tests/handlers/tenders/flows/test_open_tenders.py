"""NGO members ask for the open tenders that match their subscriptions, soonest deadline first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.wiring import load
from models import Subscription, Tender, TenderStatus
from models.base import utcnow
from tests.factories import ELSEWHERE, HOME, Chat
from tests.tender_factories import create_member, create_ngo, create_tender_for


async def ask_open_tenders(app, address: str) -> Chat:
    """The member at `address` opens "open_tenders" from a menu."""
    member = Chat(app, address)
    await member.say("menu")
    await start_flow(app, member, "open_tenders")
    return member


async def start_flow(app, member: Chat, name: str) -> None:
    """Start flow `name` as choosing it from a menu does (the NGO hub lists "open_tenders";
    here the main menu's answer is made to name it, whatever the member's role)."""
    from bot.conversation.engine import MENU

    menu = app.conversation.flows[MENU]
    original = menu.finish

    async def choose(ctx) -> str | None:
        return name

    menu.finish = choose
    try:
        await member.say("1")
    finally:
        menu.finish = original


async def test_open_tenders_match_the_subscriptions_soonest_first(app) -> None:
    ngo = await create_ngo(app, "Umut")
    await create_member(
        app, "member", ngo, follows=((HOME, "elderly"), (ELSEWHERE, "elderly"), (HOME, "water"))
    )
    soon = utcnow() + timedelta(days=2)
    await create_tender_for(app, title="Care later", deadline=soon + timedelta(days=20))
    await create_tender_for(app, code=ELSEWHERE, title="Care in Pokrovka", deadline=soon)
    await create_tender_for(
        app, sector="water", title="Well repair", deadline=soon + timedelta(days=5)
    )
    await create_tender_for(app, sector="youth", title="Youth club")  # not followed
    await create_tender_for(app, title="Still a draft", published=False)
    await create_tender_for(app, title="Cancelled one")
    await create_tender_for(app, title="Closed one")
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Tender)
            .where(Tender.title == "Cancelled one")
            .values(status=TenderStatus.cancelled)
        )
        await session.execute(
            update(Tender)
            .where(Tender.title == "Closed one")
            .values(deadline=utcnow() - timedelta(minutes=1))
        )

    member = await ask_open_tenders(app, "member")
    screen = member.screen
    assert "Open tenders you follow, soonest deadline first." in screen
    order = [screen.index(title) for title in ("Care in Pokrovka", "Well repair", "Care later")]
    assert order == sorted(order)
    assert "T-000002 · Care in Pokrovka · Pokrovka ayil aimak · " in screen
    for hidden in ("Youth club", "Still a draft", "Cancelled one", "Closed one"):
        assert hidden not in screen

    await member.say("2")
    assert "T-000003 · Barpy ayil aimak: Well repair" in member.screen
    assert "Budget: 150,000 som" in member.screen
    assert "How to apply: Bring the application to the ayil okmotu, room 5." in member.screen
    assert "Full text: Daily visits" in member.screen
    await member.choose("Other open tenders")
    assert "Open tenders you follow" in member.screen
    await member.say("T-000001")
    assert "Care later" in member.screen
    await member.choose("Done")
    assert "Main menu." in member.screen


async def test_without_subscriptions_the_member_is_pointed_to_them(app) -> None:
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "member", ngo, follows=())
    await create_tender_for(app)
    member = await ask_open_tenders(app, "member")
    assert "You do not follow any tenders yet." in member.screen
    assert "“NGOs and tenders”" in member.screen


async def test_paused_subscriptions_and_no_match(app) -> None:
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "member", ngo, paused=True)
    await create_tender_for(app)
    member = await ask_open_tenders(app, "member")
    assert "Your subscriptions are paused." in member.screen

    async with app.sessions() as session, session.begin():
        await session.execute(update(Subscription).values(paused=False, category_id=1 + 1))
    await start_flow(app, member, "open_tenders")
    assert "No tender matching your subscriptions is open now." in member.screen


async def test_only_ngo_members_get_the_flow(app) -> None:
    from tests.factories import create_resident

    resident = await create_resident(app, "resident")
    assert not load().flow_registry()["open_tenders"].allowed(resident)
    chat = Chat(app, "resident")
    await chat.say("menu")
    await start_flow(app, chat, "open_tenders")
    assert "Sorry, this is only for members of NGOs." in chat.screen


async def test_members_find_open_tenders_in_the_ngo_hub(app) -> None:
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "member", ngo)
    await create_tender_for(app, title="Care in Barpy")
    member = Chat(app, "member")
    await member.say("menu")
    await member.choose("NGOs and tenders")
    await member.choose("Open tenders")
    assert "Open tenders you follow" in member.screen and "Care in Barpy" in member.screen
