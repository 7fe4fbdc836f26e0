"""Gettext catalogs: `messages.pot` (extracted) and one `messages.po` per language.

They are compiled in memory when a process starts (see bot.i18n), so no binary catalog is ever
committed or left stale.
"""
