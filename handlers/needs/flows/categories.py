"""The need categories as options: what a need is about, and the sectors NGOs and tenders
work in."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.conversation.context import Context
from bot.conversation.steps import Option
from models import Category


async def category_options(ctx: Context) -> Sequence[Option]:
    """Need categories in the reader's language, in their reference order."""
    categories = await ctx.session.scalars(
        select(Category).order_by(Category.position, Category.id)
    )
    return [
        Option(str(c.id), c.name(ctx.language), aliases=(*c.all_names(), c.code))
        for c in categories
    ]
