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

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import REGISTRY
from bot.conversation.messages import Capabilities, Reply
from bot.conversation.senders import lock_people
from bot.conversation.state import Turn, write_states
from bot.delivery.notify import notice_rows, preferred_address, queue_rows
from bot.i18n import N_, translator
from bot.schedule import Tick
from handlers.surveys.flows.survey import MENU_ITEM, SURVEY_FLOW
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
    Person,
    Survey,
    SurveyInvitation,
    SurveyStatus,
)
from models.base import utcnow
from models.outbox import BULK

IDLE_FLOWS = (None, "menu")  # where a survey may start without interrupting anything
LATE_DAYS = 30  # beneficiaries enrolled this long after a survey went out are still invited

INVITED = N_("You are invited to a short survey about “{title}”.")
REMINDER = N_("Reminder: please answer the short survey about “{title}”.")
WHEN_READY = N_("When you are ready, choose “{item}” in the menu.")


class _Batch:
    """What one tick writes: the conversations it moved into a survey, and the messages."""

    def __init__(self, session: AsyncSession, tick: Tick) -> None:
        self.session = session
        self.tick = tick
        self.rows: list[dict[str, Any]] = []
        self.turns: list[Turn] = []
        self.moved: set[int] = set()  # a person's conversation is moved once a tick

    def language(self, person: Person) -> str:
        return person.language or self.tick.settings.default_language

    async def add(
        self,
        kind: str,
        person: Person,
        state: ConversationState | None,
        survey: Survey,
        note: str,
        opening: str = "",
    ) -> None:
        """Start the survey in the person's conversation (after `opening`; by default its
        first question comes with the survey's introduction), or send `note` and where to find
        the survey if they are busy with something else."""
        address = await preferred_address(self.session, person)
        if address is None:
            return
        conversation = self.tick.conversation
        flow, answers = conversation.whereabouts(state)
        busy = person.id in self.moved or (
            flow not in IDLE_FLOWS
            and not (flow == SURVEY_FLOW and answers.get("survey") == survey.id)
        )
        if busy:
            tr = translator(self.language(person))
            replies = [Reply(text=f"{note}\n{tr.t(WHEN_READY, item=tr.t(MENU_ITEM))}")]
        else:
            known = REGISTRY.get(address.channel)
            caps = known.capabilities if known else Capabilities()
            turn = await conversation.start_for(
                self.session,
                person,
                address,
                state,
                caps,
                SURVEY_FLOW,
                {"survey": survey.id},
                opening,
            )
            self.turns.append(turn)
            self.moved.add(person.id)
            replies = turn.ctx.replies
        self.rows += notice_rows(person, address, replies, kind, priority=BULK)

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
        return await queue_rows(self.session, self.rows)


async def send_due_surveys(session: AsyncSession, tick: Tick) -> int:
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
    locked = await lock_people(session, everyone) if everyone else {}
    for survey in due:  # sent before the invitations: they start it, and it must be open
        survey.status, survey.invited_at = SurveyStatus.sent, now
    batch = _Batch(session, tick)
    for survey, people in invites:
        for person_id in people:
            if person_id in locked:
                await batch.invite(survey, *locked[person_id])
    for survey, people in reminds:
        for person_id in people:
            if person_id in locked:
                await batch.remind(survey, *locked[person_id])
        survey.reminded_at = now
    return await batch.write()
