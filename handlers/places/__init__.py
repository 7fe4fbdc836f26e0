"""Places: the register of municipalities — searching it the way people type names
(`search`, `names`), the reforms that merge and rename units (`register`), and the places
residents typed that it lacks. Choosing one's place in a conversation is the account's
(`handlers.account.flows.places`), which searches here."""

from handlers.places import commands
from handlers.places.pages import PAGES as PLACES_PAGES
from handlers.places.public import PUBLIC as PLACES_PUBLIC

COMMANDS = (commands.COMMAND,)
PAGES = (PLACES_PAGES,)
PUBLIC = (PLACES_PUBLIC,)
