"""The domains: one package each, declaring its flows, menus and menu entries, commands, tick
jobs and HTTP routes once, in its `__init__` (see `bot.extensions`). `DOMAINS` lists them, in
the order their commands appear in `kenesh --help`; `bot.wiring` reads it."""

from handlers import account, broadcasts, needs, ngos, places, reports, surveys, tenders

DOMAINS = (account, places, needs, ngos, tenders, broadcasts, surveys, reports)
