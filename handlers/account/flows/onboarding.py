"""First contact: language → municipality → consent to the processing of personal data."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.steps import Confirm
from bot.i18n import N_
from handlers.account.flows.language import ChooseLanguage
from handlers.account.flows.places import place_steps, store_place
from handlers.account.privacy import record_consent

CONSENT_PROMPT = N_(
    "To pass your reports to the municipality, Kenesh keeps your language, your municipality, "
    "what you write to it and how to reach you (your chat or phone number). Municipal staff see "
    "your reports but not your contacts. You can delete your data at any time in Settings. "
    "Do you agree?"
)
CONSENT_SHORT = N_(
    "To pass your reports on, Kenesh keeps your language, municipality, messages and number. "
    "You can delete them in Settings. Do you agree?"
)


async def _finish(ctx: Context) -> str | None:
    given = bool(ctx.answers.get("consent"))
    record_consent(ctx.person, given)
    if given:
        await store_place(ctx)
        ctx.say(
            ctx.t(
                N_(
                    "Thank you! You can now report needs and support the priorities of your community."
                )
            )
        )
    else:
        ctx.say(
            ctx.brief(
                N_(
                    "Understood: we keep nothing about you except this answer and your language. "
                    "You can still look at the priorities of any municipality and read the help. "
                    "To report a need, choose “Give consent” in the menu at any time."
                ),
                N_(
                    "Understood: we keep only this answer and your language. To report a need later, choose “Give consent” in the menu."
                ),
            )
        )
    return None


def build() -> Flow:
    """The flow every newcomer starts with; menu and cancel cannot skip it."""
    return Flow(
        "onboarding",
        [
            ChooseLanguage(),
            *place_steps(after="consent"),
            Confirm("consent", CONSENT_PROMPT, short=CONSENT_SHORT),
        ],
        _finish,
        required=True,
    )
