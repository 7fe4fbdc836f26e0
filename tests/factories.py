"""Test helpers: a simulated person who reads the screen, and `create_*` factories."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.channels.simulator import Simulator
from bot.conversation.messages import Inbound
from bot.formats import format_time
from bot.i18n import translator
from bot.identity.invites import create_invite
from bot.times import parse_local
from models import Category, ConsentStatus, ConversationState, Municipality, Need, Person, Role
from models.base import utcnow

# The municipality most tests live in, and another for scope checks.
HOME = "JA-SUZAK-BARPY"
ELSEWHERE = "TL-MANAS-POKROVKA"
ZONE = "Asia/Bishkek"  # TIMEZONE as shipped


class Chat:
    """One person in the simulator: sends lines, remembers the last screen, picks options by label."""

    def __init__(self, app: App, address: str) -> None:
        self.app = app
        self.address = address
        self.simulator = Simulator(app.conversation, address)
        self.screen = ""

    async def say(self, line: str) -> str:
        """Send a line; returns (and keeps) everything printed back."""
        self.screen = "\n\n".join(await self.simulator.send(line))
        return self.screen

    async def open(self) -> str:
        """Open the chat window as `kenesh chat` does on start."""
        self.screen = "\n\n".join(await self.simulator.open())
        return self.screen

    async def send(self, message: Inbound) -> str:
        """Send a raw normalized message (a button press with a token, …)."""
        replies = await self.app.conversation.handle(message, self.simulator_caps)
        self.screen = "\n\n".join(r.text for r in replies)
        return self.screen

    @property
    def simulator_caps(self):
        from bot.channels.simulator import SIMULATOR

        return SIMULATOR.capabilities

    def key_of(self, label: str) -> str | None:
        """The number shown on screen next to `label`, as a person would find it."""
        match = re.search(rf"^\s+(\d+)\. {re.escape(label)}$", self.screen, re.MULTILINE)
        return match.group(1) if match else None

    async def choose(self, label: str, pages: int = 5) -> str:
        """Type the number of the option labelled `label`, turning pages ("0") to find it."""
        for _ in range(pages):
            key = self.key_of(label)
            if key is not None:
                return await self.say(key)
            if not re.search(r"^\s+0\. ", self.screen, re.MULTILINE):
                break
            await self.say("0")
        raise AssertionError(f"{label!r} is not on screen:\n{self.screen}")

    async def state(self) -> ConversationState | None:
        """The stored conversation state of this person."""
        async with self.app.sessions() as session:
            person = await person_at(session, self.address)
            return await session.get(ConversationState, person.id) if person else None

    async def addresses(self) -> list[tuple[str, str]]:
        """(channel, value) of every address of the person behind this chat."""
        from bot.identity.people import addresses_of

        async with self.app.sessions() as session:
            person = await person_at(session, self.address)
            return sorted((a.channel, a.value) for a in await addresses_of(session, person.id))

    async def person(self) -> Person | None:
        """The stored person behind this chat."""
        async with self.app.sessions() as session:
            return await person_at(session, self.address)


async def person_at(session, address: str, channel: str = "sim") -> Person | None:
    from models import Address

    found = await session.scalar(
        select(Address).where(Address.channel == channel, Address.value == address)
    )
    return await session.get(Person, found.person_id) if found else None


def t(language: str, message: str, **values: object) -> str:
    """What the bot says for `message` in `language` (for assertions)."""
    return translator(language).t(message, **values)


async def municipality(app: App, code: str) -> Municipality:
    async with app.sessions() as session:
        found = await session.scalar(select(Municipality).where(Municipality.code == code))
        assert found is not None, code
        return found


async def category(app: App, code: str) -> Category:
    async with app.sessions() as session:
        found = await session.scalar(select(Category).where(Category.code == code))
        assert found is not None, code
        return found


async def onboard(
    chat: Chat, language: str = "en", place: str = "Barpy", consent: bool = True
) -> None:
    """Take a newcomer through language, municipality (by search, confirmed) and consent (or
    refusal)."""
    await chat.say("hello")
    await chat.choose(
        {"ky": "Кыргызча", "ru": "Русский", "uz": "O‘zbekcha", "en": "English"}[language]
    )
    await chat.say(place)
    await confirm_place(chat, language)
    await chat.choose(t(language, "Yes" if consent else "No"))


async def confirm_place(chat: Chat, language: str = "en") -> None:
    """Answer "yes" to "Barpy ayil aimak (…) — is that right?" when that is the question."""
    state = await chat.state()
    if state is not None and state.step == "place_ok":
        await chat.choose(t(language, "Yes"))


async def create_resident(
    app: App, address: str, language: str = "en", code: str = HOME, channel: str = "sim"
) -> Person:
    """A resident who has been through onboarding, made directly in the database."""
    from models import Address

    place = await municipality(app, code)
    async with app.sessions() as session, session.begin():
        person = Person(
            language=language,
            municipality_id=place.id,
            consent=ConsentStatus.given,
            consent_at=utcnow(),
        )
        session.add(person)
        await session.flush()
        session.add(Address(person_id=person.id, channel=channel, value=address))
    return person


async def create_need(
    app: App,
    reporter: Person | None,
    code: str = HOME,
    description: str = "The bridge is broken",
    category_code: str = "roads_lighting",
    age: timedelta = timedelta(0),
) -> Need:
    """A need reported in municipality `code`."""
    place = await municipality(app, code)
    kind = await category(app, category_code)
    async with app.sessions() as session, session.begin():
        need = Need(
            municipality_id=place.id,
            category_id=kind.id,
            reporter_id=reporter.id if reporter else None,
            language=reporter.language if reporter and reporter.language else "en",
            description=description,
            created_at=utcnow() - age,
        )
        session.add(need)
    return need


async def create_invite_code(
    app: App, role: Role = Role.staff, code: str | None = HOME, days: int = 7
) -> str:
    """A fresh invite code."""
    async with app.sessions() as session, session.begin():
        invite = await create_invite(session, role, code if role == Role.staff else None, days)
    return invite.code


async def create_staff(app: App, address: str, code: str = HOME, language: str = "en") -> Chat:
    """A staff member of `code`, invited and onboarded through the bot."""
    chat = Chat(app, address)
    await onboard(chat, language)
    await chat.say(await create_invite_code(app, Role.staff, code))
    return chat


async def create_home_broadcast(session, municipality_id: int, text: str, send_at=None):
    """A broadcast to the residents of one municipality, in Kyrgyz, by the command line."""
    from handlers.broadcasts.broadcasts import create_broadcast
    from models import Audience

    return await create_broadcast(
        session,
        None,
        municipality_id=municipality_id,
        audience=Audience.residents,
        texts={"ky": text},
        send_at=send_at,
    )


def shown_time(typed: str, language: str = "en", zone: str = "Asia/Bishkek") -> str:
    """A local time as staff type it ("2026-12-01 18:00"), as the bot shows it to a reader of
    `language` ("01/12/2026, 18:00" in English)."""
    return format_time(parse_local(typed, zone), zone, language)
