"""The one place in `bot/` that knows the domains: it gathers the platform's declarations and
those of every package in `handlers.DOMAINS` (see `bot.extensions`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import handlers
from bot import platform
from bot.extensions import Extensions


def load(domains: Sequence[Any] | None = None) -> Extensions:
    """The platform and `domains` (by default `handlers.DOMAINS`), gathered."""
    return Extensions.gather([platform, *(handlers.DOMAINS if domains is None else domains)])
