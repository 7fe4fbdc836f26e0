"""Group commit: many people in one transaction, each with their own turn and replies."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.channels.simulator import SIMULATOR
from bot.conversation.batch import GroupCommit
from bot.conversation.messages import Inbound
from models import OutboxMessage
from tests.conftest import make_app
from tests.factories import Chat, onboard


def inbox(app) -> GroupCommit:
    return GroupCommit(app.conversation, SIMULATOR.code, SIMULATOR.capabilities)


async def test_a_burst_is_handled_in_batches_with_every_reply_queued(app, chat) -> None:
    people = [chat(f"crowd-{i}") for i in range(20)]
    for person in people:
        await onboard(person)
    group = inbox(app)
    sizes: list[int] = []
    original = group._handle_batch

    async def counting(messages):
        sizes.append(len(messages))
        return await original(messages)

    group._handle_batch = counting
    replies = await asyncio.gather(
        *(
            group.handle(Inbound(SIMULATOR.code, p.address, text="1", dedup_key=f"u{i}"))
            for i, p in enumerate(people)
        )
    )
    assert all("What is the need about?" in r[0].text for r in replies)
    assert max(sizes) > 1 and sum(sizes) == 20  # batched, each message once
    async with app.sessions() as session:
        queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert queued == 20
    for person in people:
        assert (await person.state()).flow == "report_need"


async def test_redeliveries_and_one_persons_messages_keep_their_order(app, chat) -> None:
    person = chat("orderly")
    await onboard(person)
    group = inbox(app)
    first = Inbound(SIMULATOR.code, "orderly", text="1", dedup_key="a")
    second = Inbound(SIMULATOR.code, "orderly", text="Health", dedup_key="b")
    results = await asyncio.gather(group.handle(first), group.handle(first), group.handle(second))
    texts = [[r.text for r in replies] for replies in results]
    assert "What is the need about?" in texts[0][0]
    assert texts[1] == []  # the redelivery
    assert "Describe the need" in texts[2][0]


async def test_one_failing_turn_does_not_cost_others_their_answer(app, chat, monkeypatch) -> None:
    good, bad = chat("good"), chat("bad")
    await onboard(good)
    await onboard(bad)
    flow = app.conversation.flows["menu"]
    step = flow.step("action")
    original = step.accept

    async def explode(ctx, message):
        if ctx.address.value == "bad":
            raise RuntimeError("boom")
        return await original(ctx, message)

    monkeypatch.setattr(step, "accept", explode)
    group = inbox(app)
    results = await asyncio.gather(
        group.handle(Inbound(SIMULATOR.code, "good", text="1")),
        group.handle(Inbound(SIMULATOR.code, "bad", text="1")),
    )
    assert "What is the need about?" in results[0][0].text
    assert results[1][0].text.startswith("Sorry, something went wrong")
    assert (await bad.state()).flow == "menu"  # nothing changed for them


async def test_two_processes_batching_the_same_people_lose_nothing(database, app, chat) -> None:
    people = [chat(f"shared-{i}") for i in range(6)]
    for person in people:
        await onboard(person)
    turns = {p.address: (await p.state()).turn for p in people}
    groups = [inbox(make_app(database)), inbox(make_app(database))]
    await asyncio.gather(
        *(
            groups[(i + j) % 2].handle(Inbound(SIMULATOR.code, p.address, text="help"))
            for j in range(4)
            for i, p in enumerate(people)
        )
    )
    for person in people:
        assert (await Chat(app, person.address).state()).turn == turns[person.address] + 4
