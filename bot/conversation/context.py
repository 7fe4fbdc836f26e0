"""What a step or flow sees of the person and the turn being handled."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.folding import fold
from bot.conversation.keywords import match_keyword
from bot.conversation.messages import SKIP, Capabilities, Inbound, Reply
from bot.i18n import N_, Translator, translator
from bot.settings import LANGUAGES, Settings
from models import Address, Person


@dataclass
class Context:
    """One person's turn: the database session (one transaction), who they are, where they write
    from, the answers so far and the replies to send back."""

    session: AsyncSession
    settings: Settings
    person: Person
    address: Address
    caps: Capabilities
    answers: dict[str, Any] = field(default_factory=dict)
    # per-step scratch space (page number, search hits); cleared when the step changes
    scratch: dict[str, Any] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    # set by a flow that deleted the person: nothing more is saved for them
    person_deleted: bool = False

    @property
    def language(self) -> str:
        """The person's language, or the default until they choose one."""
        return self.person.language or self.settings.default_language

    @property
    def translator(self) -> Translator:
        return translator(self.language)

    def t(self, message: str, **values: Any) -> str:
        """`message` in the person's language."""
        return self.translator.t(message, **values)

    def tn(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The plural form for `n` in the person's language."""
        return self.translator.tn(singular, plural, n, **values)

    def brief(self, message: str, short: str, **values: Any) -> str:
        """`short` on channels where every character costs (SMS), `message` elsewhere."""
        return self.t(short if self.caps.compact else message, **values)

    def all_translations(self, message: str) -> list[str]:
        """`message` in every language, so an answer in any of them is understood."""
        return [translator(language).t(message) for language in LANGUAGES]

    def say(self, text: str, **kwargs: Any) -> None:
        """Send `text` to the person along with this turn's replies."""
        self.replies.append(Reply(text=text, **kwargs))

    def is_skip(self, message: Inbound) -> bool:
        """Whether the person skipped an optional step: the button, 0, or the word in any language."""
        if message.choice == SKIP:
            return True
        text = message.text.strip()
        key = fold(text)
        if text == "0" or (key and match_keyword(text) == "skip"):
            return True
        return bool(key) and key in {fold(label) for label in self.all_translations(N_("Skip"))}
