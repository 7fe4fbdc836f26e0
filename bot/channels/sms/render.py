"""Replies as SMS text: numbered options on their own lines, as cheap as the text allows."""

from __future__ import annotations

from bot.channels.sms.operators import splits
from bot.channels.sms.parts import split_parts
from bot.channels.sms.segments import fits, to_gsm
from bot.conversation.messages import Reply


def render_text(reply: Reply) -> str:
    """One reply as the SMS body: the text, then "1 Option" lines ("0 More" last)."""
    lines = [reply.text.strip(), *(f"{c.key} {c.label}" for c in reply.choices)]
    return to_gsm("\n".join(line for line in lines if line))


def reply_fits(reply: Reply) -> bool:
    """Whether a reply fits the SMS budget (3 segments)."""
    return fits(render_text(reply))


def combine(replies: list[Reply]) -> list[tuple[str, list[int]]]:
    """The SMS bodies for one turn's replies: consecutive replies share one SMS while it stays
    within budget (two short messages cost more than one). Each body lists the replies in it."""
    bodies: list[tuple[str, list[int]]] = []
    for index, reply in enumerate(replies):
        text = render_text(reply)
        if bodies and fits(merged := to_gsm(bodies[-1][0] + "\n\n" + text)):
            bodies[-1] = (merged, [*bodies[-1][1], index])
        else:
            bodies.append((text, [index]))
    return bodies


def bodies_for(phone: str, text: str, split_operators: frozenset[str]) -> list[str]:
    """The SMS that carry `text` to `phone`: one (concatenated if long), or, on an operator that
    does not join parts (SMS_SPLIT_OPERATORS), self-contained numbered single SMS."""
    return split_parts(text) if splits(phone, split_operators) else [text]
