"""“Web workspace” in the bot: a staff member gets a one-time sign-in link in the chat."""

from __future__ import annotations

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import Flow, staff_only
from bot.conversation.menu import MenuEntry
from bot.i18n import N_
from bot.web.access import LINK_TTL, issue_link
from models import Role

NAME = "web_workspace"


async def _send_link(ctx: Context) -> str | None:
    try:
        url = await issue_link(ctx.session, ctx.settings, ctx.person)
    except PermissionDenied:
        ctx.say(ctx.t(REFUSAL))
        return None
    ctx.say(
        ctx.t(
            N_(
                "Open this link on your computer to use the workspace. It works once, "
                "for {minutes} minutes; do not forward it.\n{url}"
            ),
            minutes=int(LINK_TTL.total_seconds() // 60),
            url=url,
        )
    )
    return None


REFUSAL = N_(
    "Sorry, the web workspace is for municipal staff. Everything you can do is here in the bot."
)


def build() -> Flow:
    """No question: the link is the answer. Only staff and admins; others are told politely."""
    return Flow(NAME, [], _send_link, allowed=staff_only, refusal=REFUSAL)


def _offered(ctx: Context) -> bool:
    # NGO members see it too, and are told it is for staff: they often ask for a web desk
    return ctx.person.is_staff or ctx.person.role == Role.ngo_member


ENTRY = MenuEntry(NAME, N_("Web workspace"), 75, _offered)
