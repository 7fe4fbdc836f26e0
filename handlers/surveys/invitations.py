"""Survey invitations and reminders, sent from the runtime's tick.

An invitation starts the survey in the person's conversation: someone at the main menu (or who
has never written, like a beneficiary enrolled from a CSV) is moved to the first question, and the
invitation *is* that question — buttons on Telegram, numbers by SMS — so their next message is
the answer. Someone in the middle of something else is not interrupted: they are told where to
find the survey in the menu. A reminder does the same at the first unanswered question.

Each person's row is locked (in id order, as the conversation engine locks them) before their
conversation state is read and changed, so a message they send meanwhile waits and then finds the
survey. The survey row is locked with SKIP LOCKED and marked in the same transaction, so each
invitation and reminder goes once, whatever the number of processes and restarts.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.simulator import SIMULATOR
from bot.channels.sms import SMS
from bot.channels.telegram import TELEGRAM
from bot.conversation.messages import Capabilities, Reply
from bot.conversation.state import Turn, open_turn, write_states
from bot.delivery.notify import preferred_address
from bot.i18n import N_, translator
from bot.settings import Settings
from handlers.surveys.flows.survey import ANSWER_STEP, MENU_ITEM, SURVEY_FLOW, AnswerStep
from handlers.surveys.surveys import (
    latecomers,
    lock_due,
    not_finished,
    record_invitation,
    title_of,
    uninvited,
)
from models import (
    ConversationState,
    OutboxMessage,
    OutboxStatus,
    Person,
    Survey,
    SurveyInvitation,
    SurveyStatus,
)
from models.base import utcnow
from models.outbox import NOTICE

CAPABILITIES = {c.code: c.capabilities for c in (SMS, TELEGRAM, SIMULATOR)}
IDLE_FLOWS = (None, "menu")  # where a survey may start without interrupting anything
LATE_DAYS = 30  # beneficiaries enrolled this long after a survey went out are still invited
LOCK_SLICE = 500

INVITED = N_("You are invited to a short survey about “{title}”.")
REMINDER = N_("Reminder: please answer the short survey about “{title}”.")
WHEN_READY = N_("When you are ready, choose “{item}” in the menu.")


async def _lock_people(
    session: AsyncSession, person_ids: set[int]
) -> dict[int, tuple[Person, ConversationState | None]]:
    """The people, row-locked in id order (FOR NO KEY UPDATE: it waits for and holds off their
    turns, yet lets rows that refer to them be written), with their conversation states read
    once the locks are held."""
    found: dict[int, tuple[Person, ConversationState | None]] = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), LOCK_SLICE):
        chunk = ids[start : start + LOCK_SLICE]
        people = await session.scalars(
            select(Person)
            .where(Person.id.in_(chunk))
            .order_by(Person.id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
        states = await session.scalars(
            select(ConversationState)
            .where(ConversationState.person_id.in_(chunk))
            .execution_options(populate_existing=True)
        )
        by_person = {state.person_id: state for state in states.all()}
        found |= {person.id: (person, by_person.get(person.id)) for person in people.all()}
    return found


class _Batch:
    """The messages and conversation states one tick writes."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.rows: list[dict[str, Any]] = []
        self.turns: list[Turn] = []
        self.moved: set[int] = set()  # a person's conversation is moved once a tick

    def language(self, person: Person) -> str:
        return person.language or self.settings.default_language

    async def add(
        self,
        kind: str,
        person: Person,
        state: ConversationState | None,
        survey: Survey,
        note: str,
        opening: str = "",
    ) -> None:
        """Start the survey in the person's conversation (`opening` before its question; by
        default the survey's introduction), or send `note` and where to find the survey if
        they are busy with something else."""
        address = await preferred_address(self.session, person)
        if address is None:
            return
        caps = CAPABILITIES.get(address.channel, Capabilities())
        position, ctx = open_turn(self.session, self.settings, person, address, state, caps)
        busy = person.id in self.moved or (
            position.flow not in IDLE_FLOWS
            and not (position.flow == SURVEY_FLOW and ctx.answers.get("survey") == survey.id)
        )
        if busy:
            tr = translator(self.language(person))
            reply = Reply(text=f"{note}\n{tr.t(WHEN_READY, item=tr.t(MENU_ITEM))}")
        else:
            position.flow, position.step, position.history = SURVEY_FLOW, ANSWER_STEP, []
            ctx.answers.clear()
            ctx.answers["survey"] = survey.id
            ctx.scratch.clear()
            ctx.scratch["note"] = opening
            position.turn += 1
            reply = replace(await AnswerStep().ask(ctx), token=str(position.turn))
            self.turns.append(Turn(ctx, position))
            self.moved.add(person.id)
        blocked = address.opted_out or address.unreachable
        self.rows.append(
            {
                "person_id": person.id,
                "address_id": address.id,
                "channel": address.channel,
                "body": reply.text,
                "payload": reply.to_payload(),
                "kind": kind,
                "priority": NOTICE,
                "status": (OutboxStatus.skipped if blocked else OutboxStatus.queued).value,
                "error": ("opted_out" if address.opted_out else "unreachable") if blocked else None,
                "attempts": 0,
                "created_at": utcnow(),
            }
        )

    async def invite(self, survey: Survey, person: Person, state: ConversationState | None) -> None:
        """Invite the person, once: the invitation is recorded first."""
        if await record_invitation(self.session, survey.id, person.id):
            title = title_of(survey, self.language(person))
            note = translator(self.language(person)).t(INVITED, title=title)
            await self.add("survey_invitation", person, state, survey, note)

    async def remind(self, survey: Survey, person: Person, state: ConversationState | None) -> None:
        """Remind the person if they have still not finished, once."""
        marked = await self.session.execute(
            update(SurveyInvitation)
            .where(
                SurveyInvitation.survey_id == survey.id,
                SurveyInvitation.person_id == person.id,
                SurveyInvitation.completed_at.is_(None),
                SurveyInvitation.reminded_at.is_(None),
            )
            .values(reminded_at=utcnow())
        )
        if marked.rowcount:
            title = title_of(survey, self.language(person))
            note = translator(self.language(person)).t(REMINDER, title=title)
            await self.add("survey_reminder", person, state, survey, note, opening=note)

    async def write(self) -> int:
        """Write the moved conversations and queue the messages; how many were queued."""
        await write_states(self.session, self.turns)
        if self.rows:
            await self.session.execute(OutboxMessage.__table__.insert(), self.rows)
        return len(self.rows)


async def send_due_surveys(session: AsyncSession, settings: Settings) -> int:
    """The invitations of the surveys whose time has come, of beneficiaries enrolled since a
    recent survey went out, and the reminders due; how many messages were queued.

    Everyone concerned is locked at once, in id order, so the tick never waits in a circle
    with a conversation turn or another process.
    """
    now = utcnow()
    late = await latecomers(session, now - timedelta(days=LATE_DAYS))
    due = await lock_due(session, SurveyStatus.scheduled, "send_at", now)
    invites = [(survey, await uninvited(session, survey)) for survey in due]
    for survey_id, people in late.items():
        survey = await session.get(Survey, survey_id)
        if survey is not None:
            invites.append((survey, people))
    reminding = await lock_due(session, SurveyStatus.sent, "remind_at", now)
    reminds = [(survey, await not_finished(session, survey)) for survey in reminding]
    everyone = {pid for _, people in invites + reminds for pid in people}
    locked = await _lock_people(session, everyone) if everyone else {}
    batch = _Batch(session, settings)
    for survey, people in invites:
        for person_id in people:
            if person_id in locked:
                await batch.invite(survey, *locked[person_id])
    for survey in due:
        survey.status, survey.invited_at = SurveyStatus.sent, now
    for survey, people in reminds:
        for person_id in people:
            if person_id in locked:
                await batch.remind(survey, *locked[person_id])
        survey.reminded_at = now
    return await batch.write()
