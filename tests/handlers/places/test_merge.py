"""A reform merges units: every kind of row moves in one transaction, the old units stay as
history and their names find the successor, published OCDS releases keep their buyer, staff keep
their role, residents are told once in their language; renames keep the old names findable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast, queue_due
from handlers.places.register import RegisterError, merge_units, rename_unit
from handlers.places.search import search
from handlers.tenders.ocds.release import record_release
from models import (
    ApiKey,
    Audience,
    AuditEvent,
    Broadcast,
    Category,
    Invite,
    Municipality,
    Need,
    OutboxMessage,
    Person,
    Role,
    Service,
    Subscription,
    Tender,
    TenderRelease,
    organization_municipalities,
)
from models.base import utcnow
from tests.factories import Chat, create_invite_code, create_need, create_resident, create_staff
from tests.tender_factories import create_member, create_ngo, create_tender_for


async def test_a_merge_moves_every_kind_of_row_and_keeps_history(app, scratch) -> None:
    resident = await create_resident(app, "suusai-resident", language="ru", code="X-SUUSAI")
    need = await create_need(app, resident, code="X-SUUSAI")
    staff = await create_staff(app, "suusai-officer", code="X-SUUSAI")
    officer_id = (await staff.person()).id
    ngo = await create_ngo(app, "Suusai Women", codes=("X-SUUSAI", "X-TOOSAI"))
    member = await create_member(
        app, "suusai-member", ngo, follows=(("X-SUUSAI", "elderly"), ("X-TOOSAI", "elderly"))
    )
    tender = await create_tender_for(app, code="X-SUUSAI")
    await create_invite_code(app, Role.staff, "X-SUUSAI")
    async with app.sessions() as session, session.begin():
        elderly = await session.scalar(select(Category).where(Category.code == "elderly"))
        session.add(
            Service(
                tender_id=tender.id,
                municipality_id=scratch["X-SUUSAI"].id,
                category_id=elderly.id,
                title="Home care",
                join_code="7QH4M2",
            )
        )
        session.add(
            ApiKey(name="portal", key_hash="0" * 64, municipality_id=scratch["X-SUUSAI"].id)
        )
        published = (await session.scalars(select(TenderRelease.data))).all()

    async with app.sessions() as session, session.begin():
        change = await merge_units(
            session,
            ["X-SUUSAI", "X-TOOSAI"],
            "X-KOSHSAI",
            {"ky": "Кошсай айыл аймагы", "ru": "айыльный аймак Кошсай", "en": "Koshsai ayil aimak"},
        )
        new_id = change.unit.id

    assert {u.code for u in change.taken} == {"X-SUUSAI", "X-TOOSAI"}
    assert change.moved["persons.municipality_id"] == 1  # the resident (staff live in Barpy)
    assert change.moved["persons.staff_municipality_id"] == 1
    assert change.moved["needs.municipality_id"] == 1
    assert change.moved["tenders.municipality_id"] == 1
    assert change.moved["services.municipality_id"] == 1
    assert change.moved["invites.municipality_id"] == 2  # the used one and a pending one
    assert change.moved["api_keys.municipality_id"] == 1
    async with app.sessions() as session:
        assert (await session.get(Person, resident.id)).municipality_id == new_id
        assert (await session.get(Need, need.id)).municipality_id == new_id
        assert (await session.get(Tender, tender.id)).municipality_id == new_id
        officer = await session.get(Person, officer_id)
        assert officer.role == Role.staff and officer.may_manage(new_id)
        areas = (
            await session.scalars(
                select(organization_municipalities.c.municipality_id).where(
                    organization_municipalities.c.organization_id == ngo.id
                )
            )
        ).all()
        assert areas == [new_id]  # two work areas became one
        follows = (
            await session.scalars(
                select(Subscription.municipality_id).where(Subscription.person_id == member.id)
            )
        ).all()
        assert follows == [new_id]
        assert set((await session.scalars(select(Invite.municipality_id))).all()) == {new_id}
        # history: the old units stay, each naming its successor, out of the tree
        for code in ("X-SUUSAI", "X-TOOSAI"):
            old = await session.scalar(select(Municipality).where(Municipality.code == code))
            assert old.successor_id == new_id
        # releases already published keep the buyer they had
        assert (await session.scalars(select(TenderRelease.data))).all() == published
        assert "X-SUUSAI" in str(published)
        audited = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "merge_municipality")
        )
        assert audited.detail == "into=X-KOSHSAI from=X-SUUSAI,X-TOOSAI"
        every = (await session.scalars(select(Municipality))).all()
    found = search(every, "Суусай")
    assert [u.code for u in found.units] == ["X-KOSHSAI"]  # the old name finds the successor


async def test_the_next_release_names_the_successor(app, scratch) -> None:
    tender = await create_tender_for(app, code="X-SUUSAI")
    async with app.sessions() as session, session.begin():
        await merge_units(session, ["X-SUUSAI"], "X-TOOSAI", {})
    async with app.sessions() as session, session.begin():
        tender = await session.get(Tender, tender.id)
        release = await record_release(session, tender, "tenderUpdate")
    assert release.data["buyer"]["id"] == "KG-MUN-X-TOOSAI"


async def test_residents_are_told_once_in_their_language(app, scratch) -> None:
    await create_resident(app, "moved-ru", language="ru", code="X-SUUSAI")
    await create_resident(app, "moved-ky", language="ky", code="X-TOOSAI")
    async with app.sessions() as session, session.begin():
        await merge_units(session, ["X-SUUSAI", "X-TOOSAI"], "X-TOOSAI", {})
    russian, kyrgyz = Chat(app, "moved-ru"), Chat(app, "moved-ky")
    await russian.say("меню")
    assert (
        "Ваш муниципалитет айыльный аймак Суусай теперь входит в айыльный аймак Тоосай."
        in russian.screen
    )
    assert "Главное меню" in russian.screen  # the message still did what it said
    await russian.say("меню")
    assert "теперь входит" not in russian.screen  # once
    await kyrgyz.say("меню")
    assert "курамына кирди" not in kyrgyz.screen  # Toosai's own residents did not move


async def test_a_scheduled_broadcast_follows_its_people_and_a_sent_one_stays(app, scratch) -> None:
    resident = await create_resident(app, "suusai-reader", language="ky", code="X-SUUSAI")
    async with app.sessions() as session, session.begin():
        suusai = scratch["X-SUUSAI"].id
        sent = await create_broadcast(
            session,
            None,
            municipality_id=suusai,
            audience=Audience.residents,
            texts={"ky": "Жыйын бүттү."},
        )
        await queue_broadcast(session, sent)
        later = await create_broadcast(
            session,
            None,
            municipality_id=suusai,
            audience=Audience.residents,
            texts={"ky": "Жума күнү жыйын болот."},
            send_at=utcnow() + timedelta(hours=1),
        )
    async with app.sessions() as session, session.begin():
        change = await merge_units(session, ["X-SUUSAI"], "X-TOOSAI", {})
    assert change.moved["broadcasts.municipality_id (scheduled)"] == 1
    async with app.sessions() as session, session.begin():
        (await session.get(Broadcast, later.id)).send_at = utcnow()  # its time has come
        assert await queue_due(session) == [later.id]
    async with app.sessions() as session:
        assert (await session.get(Broadcast, sent.id)).municipality_id == suusai  # history
        got = (
            await session.scalars(
                select(OutboxMessage.body).where(
                    OutboxMessage.person_id == resident.id, OutboxMessage.kind == "broadcast"
                )
            )
        ).all()
    assert len(got) == 2 and got[1].endswith("Жума күнү жыйын болот.")  # not lost on the way


async def test_a_merge_that_cannot_be_made_changes_nothing(app, scratch) -> None:
    async with app.sessions() as session, session.begin():
        with pytest.raises(RegisterError, match="give its names"):
            await merge_units(session, ["X-SUUSAI", "X-TOOSAI"], "X-NEW", {"ky": "Жаңы"})
        with pytest.raises(RegisterError, match="of one kind"):
            await merge_units(session, ["X-SUUSAI", "JA-ALABUKA"], "X-TOOSAI", {})
        with pytest.raises(RegisterError, match="no municipality has the code 'X-NONE'"):
            await merge_units(session, ["X-NONE"], "X-TOOSAI", {})
    async with app.sessions() as session:
        assert (
            await session.scalar(
                select(func.count()).where(
                    Municipality.successor_id.is_not(None), Municipality.code.like("X-%")
                )
            )
            == 0
        )


async def test_a_rename_with_a_new_code_keeps_the_old_name_findable(app, scratch) -> None:
    resident = await create_resident(app, "renamed", language="en", code="X-SUUSAI")
    async with app.sessions() as session, session.begin():
        change = await rename_unit(
            session,
            "X-SUUSAI",
            {
                "ky": "Ак-Суусай айыл аймагы",
                "ru": "айыльный аймак Ак-Суусай",
                "en": "Ak-Suusai ayil aimak",
            },
            new_code="X-AKSUUSAI",
        )
        new_id = change.unit.id
    chat = Chat(app, "renamed")
    await chat.say("menu")
    assert "Your municipality Suusai ayil aimak is now called Ak-Suusai ayil aimak." in chat.screen
    async with app.sessions() as session:
        assert (await session.get(Person, resident.id)).municipality_id == new_id
        every = (await session.scalars(select(Municipality))).all()
    assert [u.code for u in search(every, "Suusai").units] == ["X-AKSUUSAI"]


async def test_a_rename_in_place_keeps_the_code_and_the_old_names(app, scratch) -> None:
    async with app.sessions() as session, session.begin():
        await rename_unit(session, "X-TOOSAI", {"en": "Too-Sai ayil aimak"})
    async with app.sessions() as session:
        unit = await session.scalar(select(Municipality).where(Municipality.code == "X-TOOSAI"))
        every = (await session.scalars(select(Municipality))).all()
    assert unit.name_en == "Too-Sai ayil aimak" and "Toosai ayil aimak" in unit.all_names()
    assert [u.code for u in search(every, "Toosai").units] == ["X-TOOSAI"]


async def test_merge_from_the_command_line_prints_what_moved(cli_env) -> None:
    from tests.processes import kenesh

    merged = kenesh(
        cli_env,
        "municipalities",
        "merge",
        "JA-ALABUKA-AKTAM",
        "JA-ALABUKA-KOKSEREK",
        "--into",
        "JA-ALABUKA-AKTAM",
    )
    assert merged.returncode == 0, merged.stderr
    assert "JA-ALABUKA-AKTAM: Ak-Tam ayil aimak (took over JA-ALABUKA-KOKSEREK)" in merged.stdout
    assert "JA-ALABUKA-KOKSEREK,ayil_aimak,JA-ALABUKA," in merged.stdout
    assert ",JA-ALABUKA-AKTAM," in merged.stdout.splitlines()[-1]  # its successor, for the CSV
    again = kenesh(
        cli_env, "municipalities", "merge", "JA-ALABUKA-KOKSEREK", "--into", "JA-ALABUKA-AKTAM"
    )
    assert again.returncode == 2 and "was merged already" in again.stderr
    # a later seed of the bundled file (no successor there) does not undo it
    assert kenesh(cli_env, "seed").returncode == 0
    listed = kenesh(cli_env, "municipalities", "list", "--search", "Kok-Serek")
    assert listed.stdout.startswith("JA-ALABUKA-AKTAM\t")
