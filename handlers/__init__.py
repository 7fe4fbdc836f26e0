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
        ngo_join,
        ngo_menu,
        ngo_register,
        ngo_review,
        onboarding,
        open_tenders,
        priorities,
        reports,
        service_join,
        service_staff,
        settings,
        staff_needs,
        subscriptions,
        survey_answer,
        tender_manage,
        tender_new,
    )

    registry = FlowRegistry(
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
            reports.build(),
            tender_manage.build(),
            tender_new.build(),
            open_tenders.build(),
            ngo_menu.build(lambda: registry.names()),
            ngo_register.build(),
            ngo_join.build(),
            ngo_join.build_code(),
            subscriptions.build(),
            ngo_review.build(),
            survey_answer.build(),
            service_join.build(),
            service_staff.build(),
        ]
    )
    return registry
