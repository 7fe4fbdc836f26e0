"""A link to one need ("support this too" on its public page) opens the bot at that need: in the
simulator, the same text the WhatsApp and SMS links have people send, and Telegram's /start."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Need, NeedStatus, NeedSupport
from tests.factories import confirm_place, create_need, create_resident, onboard


async def _supports(app) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(NeedSupport)) or 0


async def test_a_newcomer_is_set_up_first_then_lands_on_the_need(app, chat) -> None:
    need = await create_need(app, await create_resident(app, "reporter"), description="No light")
    person = chat("newcomer")
    await person.say(f"+{need.reference}")
    assert "English" in person.screen  # onboarding starts as for anyone
    await person.choose("English")
    await person.say("Barpy")
    await confirm_place(person)
    await person.choose("Yes")  # consent
    screen = person.screen
    assert f"{need.reference} · Roads" in screen and "No light" in screen
    assert "Supported by 0 people." in screen
    assert "Do you support this need too?" in screen
    await person.choose("Yes")
    assert "Thank you! 1 person now supports this need." in person.screen
    await person.choose("Not now")  # the optional questions about oneself, after a first support
    assert "Main menu" in person.screen
    assert await _supports(app) == 1


async def test_a_link_in_the_middle_of_setting_up_waits_for_its_end(app, chat) -> None:
    need = await create_need(app, await create_resident(app, "reporter"), description="Dam")
    person = chat("halfway")
    await person.say("hello")
    await person.choose("English")
    await person.say(f"+{need.reference}")
    screen = person.screen
    assert f"After a few questions to set you up, you will see need {need.reference}." in screen
    assert "Choose your region" in screen  # the question they were on, again
    await person.say("Barpy")
    await confirm_place(person)
    await person.choose("Yes")
    assert "Dam" in person.screen and "Do you support this need too?" in person.screen


async def test_a_resident_mid_flow_goes_to_the_need_and_supporting_twice_counts_once(
    app, chat
) -> None:
    need = await create_need(app, await create_resident(app, "reporter"), description="Old bus")
    person = chat("resident")
    await onboard(person)
    await person.choose("Report a need")
    await person.say(f"+ n {need.id}")  # as typed on a basic phone
    assert "Old bus" in person.screen and "Do you support this need too?" in person.screen
    await person.choose("Yes")
    await person.say(f"/start {need.reference}")  # the Telegram link, followed again
    assert "Old bus" in person.screen
    assert "You already support this need." in person.screen
    assert "Do you support this need too?" not in person.screen
    assert await _supports(app) == 1


async def test_unknown_hidden_and_closed_needs_are_told_plainly(app, chat) -> None:
    reporter = await create_resident(app, "reporter")
    hidden = await create_need(app, reporter, description="Names of neighbours")
    closed = await create_need(app, reporter, description="Fixed road")
    async with app.sessions() as session, session.begin():
        (await session.get(Need, hidden.id)).hidden = True
        (await session.get(Need, closed.id)).status = NeedStatus.resolved
    person = chat("reader")
    await onboard(person)
    await person.say("+N-999999")
    assert "There is no need N-999999 to support" in person.screen
    assert "Main menu" in person.screen
    await person.say(f"+{hidden.reference}")
    assert f"There is no need {hidden.reference} to support" in person.screen
    assert "Names of neighbours" not in person.screen
    await person.say(f"+{closed.reference}")
    assert "Fixed road" in person.screen
    assert "This need is closed and can no longer be supported." in person.screen
    assert await _supports(app) == 0


async def test_without_consent_the_need_is_shown_and_consent_asked_for(app, chat) -> None:
    need = await create_need(app, await create_resident(app, "reporter"), description="Clinic")
    person = chat("careful")
    await onboard(person, consent=False)
    await person.say(f"+{need.reference}")
    assert "Clinic" in person.screen
    assert "first give your consent" in person.screen
    assert await _supports(app) == 0


async def test_a_reference_without_the_plus_is_still_an_answer(app, chat) -> None:
    """A staff member choosing a need by its number is not taken for someone with a link."""
    need = await create_need(app, await create_resident(app, "reporter"), description="Well")
    person = chat("viewer")
    await onboard(person)
    await person.choose("Priorities of my community")
    await person.say(need.reference)
    assert "Do you support this need too?" in person.screen
    state = await person.state()
    assert state.flow == "priorities"


async def test_a_russian_reader_is_asked_in_russian(app, chat) -> None:
    need = await create_need(app, await create_resident(app, "reporter"), description="Мост")
    person = chat("ru")
    await onboard(person, "ru")
    await person.say(f"+{need.reference}")
    assert "Мост" in person.screen
    assert "Вы тоже поддерживаете эту потребность?" in person.screen
