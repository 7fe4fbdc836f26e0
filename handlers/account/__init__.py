"""Account: who a person is to Kenesh — first contact (language, municipality, consent), the
main menu, settings (language, municipality, phone, deleting one's data), the optional
questions about the groups a person belongs to, and help.

Other domains choose a municipality with `handlers.account.flows.places`."""

from bot.conversation.context import Context
from bot.conversation.menu import MAIN, Menu, MenuEntry
from bot.i18n import N_
from handlers.account.flows import about_you, consent, help, language, onboarding, settings
from models import ConsentStatus


def _not_consented(ctx: Context) -> bool:
    return ctx.person.consent != ConsentStatus.given


FLOWS = (
    onboarding.build,
    language.build,
    settings.build,
    consent.build,
    help.build,
    about_you.build,
)

MENUS = (Menu(MAIN, N_("Main menu. What would you like to do?"), home=True),)

MENU = (
    MenuEntry("consent", N_("Give consent"), 150, _not_consented),
    MenuEntry("settings", N_("Settings"), 160),
    MenuEntry("help", N_("Help"), 170),
)
