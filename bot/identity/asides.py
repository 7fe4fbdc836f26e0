"""Messages that are not answers: an invite code, or a phone number the channel verified.

The conversation engine knows only conversations. These asides are registered with it (see
`ASIDES`): each looks at a message before it reaches the person's flow, and when it takes the
message, the person's current question is asked again afterwards.
"""

from __future__ import annotations

from bot.conversation.context import Context
from bot.conversation.keywords import start_payload
from bot.conversation.messages import Inbound
from bot.conversation.steps import AskContact, Step
from bot.i18n import N_
from bot.identity.invites import RedeemResult, redeem_invite
from bot.identity.linking import link_phone
from bot.phones import normalize_phone
from models import Municipality
from models.invite import normalize_invite_code

REDEEM_TEXTS = {
    RedeemResult.unknown: N_("This code is not valid. Check it and send it again."),
    RedeemResult.used: N_("This code has already been used. Ask for a new one."),
    RedeemResult.expired: N_("This code has expired. Ask for a new one."),
}
ROLE_NAMES = {
    "resident": N_("resident"),
    "ngo_member": N_("NGO member"),
    "staff": N_("municipal staff"),
    "admin": N_("administrator"),
}


def role_name(ctx: Context) -> str:
    """The person's role, in words."""
    return ctx.t(ROLE_NAMES[str(ctx.person.role)])


async def link_shared_phone(ctx: Context, message: Inbound, step: Step | None) -> bool:
    """A shared contact outside the question that asks for one: link it if it is the sender's
    own (the channel verified it), and merge the records that share the number."""
    if message.contact_phone is None or isinstance(step, AskContact):
        return False
    phone = normalize_phone(message.contact_phone)
    if not message.contact_verified:
        ctx.say(ctx.t(N_("Please share your own phone number, not someone else's.")))
    elif phone is None:
        ctx.say(ctx.t(N_("This phone number does not look right, so it was not linked.")))
    else:
        await link_phone(ctx.session, ctx.person, phone)
        ctx.say(
            ctx.t(N_("Thank you! Your phone number is linked: you can also write to us by SMS."))
        )
    return True


async def redeem_invite_code(ctx: Context, message: Inbound, step: Step | None) -> bool:
    """An invite code typed at any step (or sent as Telegram's `/start CODE`) grants its role."""
    text = message.text.strip()
    code = normalize_invite_code(start_payload(text) or text) if text else None
    if code is None:
        return False
    result = await redeem_invite(ctx.session, ctx.person, code)
    if result == RedeemResult.granted:
        ctx.say(ctx.t(N_("Welcome! You now have the {role} role in Kenesh."), role=role_name(ctx)))
    else:
        ctx.say(ctx.t(REDEEM_TEXTS[result]))
    return True


async def tell_moved_place(ctx: Context, message: Inbound, step: Step | None) -> bool:
    """Once, the next time a person writes after a reform moved them: where they are now. The
    message still goes to their flow."""
    old_id = ctx.person.moved_from_id
    if old_id is None:
        return False
    ctx.person.moved_from_id = None
    old = await ctx.session.get(Municipality, old_id)
    new = await ctx.session.get(Municipality, ctx.person.municipality_id or 0)
    if old is None or new is None or old.id == new.id:
        return False
    # a rename keeps the old name among the new unit's; a merge does not
    renamed = old.name_ky in new.all_names()
    text = (
        N_("Your municipality {old} is now called {new}.")
        if renamed
        else N_("Your municipality {old} is now part of {new}.")
    )
    ctx.say(ctx.t(text, old=old.name(ctx.language), new=new.name(ctx.language)))
    return False


# in the order they look at a message
ASIDES = (tell_moved_place, link_shared_phone, redeem_invite_code)
