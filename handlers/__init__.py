"""The conversation flows. `build_flows` lists them in one place, in menu order."""

from __future__ import annotations

from bot.conversation.flow import FlowRegistry


def build_flows() -> FlowRegistry:
    """A fresh registry of every flow (built per app, so tests can build several)."""
    from handlers import (
        broadcast,
        consent,
        help,
        language,
        menu,
        my_broadcasts,
        my_reports,
        needs,
        onboarding,
        open_tenders,
        priorities,
        settings,
        staff_needs,
        tender_manage,
        tender_new,
    )

    return FlowRegistry(
        [
            onboarding.build(),
            menu.build(),
            language.build(),
            needs.build(),
            my_reports.build(),
            priorities.build(),
            settings.build(),
            consent.build(),
            help.build(),
            staff_needs.build(),
            broadcast.build(),
            my_broadcasts.build(),
            tender_manage.build(),
            tender_new.build(),
            open_tenders.build(),
        ]
    )
