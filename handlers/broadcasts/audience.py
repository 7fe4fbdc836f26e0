"""Who receives a broadcast: each person once, on the address they wrote from most recently,
and what they read: the text after who speaks, in their language."""

from __future__ import annotations

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, text_for, translator
from bot.settings import LANGUAGES
from models import (
    Address,
    Audience,
    Broadcast,
    ConsentStatus,
    Municipality,
    Need,
    NeedSupport,
    Person,
    Role,
)

DEFAULT_READER = "ky"  # as text_for falls back for a reader of no language


def recipients(broadcast: Broadcast) -> Select:
    """(person id, address id, channel, language, blocked, opted_out) — each person once, on the address
    they wrote from most recently, preferring one that can still receive."""
    blocked = or_(Address.opted_out, Address.unreachable)
    ranked = (
        select(
            Person.id.label("person_id"),
            Address.id.label("address_id"),
            Address.channel.label("channel"),
            Person.language.label("language"),
            blocked.label("blocked"),
            Address.opted_out.label("opted_out"),
            Address.value.label("address"),
            Address.last_seen_at.label("seen_at"),
            func.row_number()
            .over(
                partition_by=Person.id,
                order_by=(case((blocked, 1), else_=0), Address.last_seen_at.desc(), Address.id),
            )
            .label("rank"),
        )
        .join(Address, Address.person_id == Person.id)
        .where(Person.consent == ConsentStatus.given)
    )
    if broadcast.municipality_id is not None:
        ranked = ranked.where(Person.municipality_id == broadcast.municipality_id)
    roles = {
        Audience.residents: [Role.resident, Role.staff, Role.admin],
        Audience.ngos: [Role.ngo_member],
        Audience.everyone: list(Role),
    }[broadcast.audience]
    ranked = ranked.where(Person.role.in_(roles))
    if broadcast.channels:
        ranked = ranked.where(Address.channel.in_(broadcast.channels))
    if broadcast.languages:
        ranked = ranked.where(Person.language.in_(broadcast.languages))
    if broadcast.category_id is not None:
        reported = exists().where(
            Need.reporter_id == Person.id, Need.category_id == broadcast.category_id
        )
        supported = exists().where(
            NeedSupport.person_id == Person.id,
            NeedSupport.need_id == Need.id,
            Need.category_id == broadcast.category_id,
        )
        ranked = ranked.where(or_(reported, supported))
    inner = ranked.subquery()
    return select(inner).where(inner.c.rank == 1)


KENESH = N_("Kenesh")  # the sender of a broadcast to every municipality


async def signed_texts(session: AsyncSession, broadcast: Broadcast) -> dict[str | None, str]:
    """What each language's readers receive: the text, after who speaks — the municipality's
    name in their language (Kenesh for every municipality's). None: a reader of no language."""
    unit = (
        await session.get(Municipality, broadcast.municipality_id)
        if broadcast.municipality_id
        else None
    )
    signed = {}
    for language in (*LANGUAGES, None):
        tr = translator(language or DEFAULT_READER)
        sender = unit.name(tr.language) if unit else tr.t(KENESH)
        sender = sender[:1].upper() + sender[1:]  # "айыльный аймак Барпы" opens the message
        # "Name: text" reads the same in the four languages
        signed[language] = f"{sender}: {text_for(broadcast.texts, language)}"
    return signed
