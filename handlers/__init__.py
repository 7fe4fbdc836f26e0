"""The domains: one package each, declaring its flows, menu entries, commands, jobs and routes
in its `__init__` (see `bot.extensions`). `DOMAINS` lists them; `bot.wiring` reads it."""

from handlers import account, broadcasts, legacy, needs, ngos, surveys, tenders

DOMAINS = (account, needs, ngos, tenders, broadcasts, surveys, legacy)
