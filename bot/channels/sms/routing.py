"""Which way each SMS leaves: Twilio, or one of the gateway phones.

A message is routed just before it can be claimed, in one UPDATE over the queued SMS that have
no route yet, so nothing that queues an SMS (a reply, a notice, a broadcast's INSERT … SELECT)
needs to know the routes:

- replies and notices leave by the route the person last wrote through (`addresses.route`);
- bulk (priority BULK: broadcasts, alerts, reminders, invitations) by `SMS_BULK_ROUTE`: `last`
  (the same), `twilio` (one-way, e.g. from an alphanumeric sender) or `android`;
- someone who never wrote by SMS gets their municipality's phone, else a pool phone (spread by
  address), else Twilio.

With `SMSGATE_OFFLINE=move`, messages waiting for an offline phone move to a route that is up
(Twilio, or another pool phone); with `wait` (the default) they wait for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from bot.channels.sms.android.devices import Device
from bot.channels.sms.kind import CODE
from bot.delivery.routes import all_routes
from bot.settings import Settings
from models import Address, Municipality, OutboxMessage, OutboxStatus, Person
from models.outbox import URGENT

TWILIO = "twilio"

_outbox = OutboxMessage.__table__
_addresses = Address.__table__
_persons = Person.__table__


class SmsRoutes:
    """The routes of one deployment and the rules that pick one for each queued SMS."""

    def __init__(self, settings: Settings, devices: Sequence[Device], twilio: bool) -> None:
        self.settings = settings
        self.devices = list(devices)
        self.twilio = twilio
        self.routes = ([TWILIO] if twilio else []) + [device.route for device in self.devices]
        self._municipality_ids: dict[str, int] | None = None

    async def assign(self, engine: AsyncEngine) -> None:
        """Route every queued SMS that has no route yet; move those of offline phones when
        SMSGATE_OFFLINE=move."""
        async with engine.begin() as connection:
            if self._municipality_ids is None:
                codes = [code for d in self.devices for code in d.municipalities]
                rows = await connection.execute(
                    select(Municipality.code, Municipality.id).where(Municipality.code.in_(codes))
                )
                self._municipality_ids = {code: id_ for code, id_ in rows.all()}
            states = {s.route: s.online for s in await all_routes(connection)}
            up = [route for route in self.routes if states.get(route, True)]
            moving = self.settings.smsgate_offline == "move"
            usable = up if moving else self.routes
            if not usable:
                return  # every route is down: messages wait unrouted
            await connection.execute(
                _outbox.update()
                .where(
                    _outbox.c.channel == CODE,
                    _outbox.c.route.is_(None),
                    _outbox.c.status == OutboxStatus.queued.value,
                )
                .values(route=self._choice(usable))
            )
            down = [route for route in self.routes if route not in up]
            if moving and down and up:
                await connection.execute(
                    _outbox.update()
                    .where(
                        _outbox.c.channel == CODE,
                        _outbox.c.route.in_(down),
                        _outbox.c.status == OutboxStatus.queued.value,
                    )
                    # due at once on the new route: they waited only for the dead one
                    .values(route=self._fallback(up), not_before=None)
                )

    def _choice(self, usable: list[str]) -> ColumnElement[str]:
        """The route of an unrouted row, as an SQL expression over the row."""
        last = (
            select(_addresses.c.route)
            .where(_addresses.c.id == _outbox.c.address_id)
            .scalar_subquery()
        )
        fallback = self._fallback(usable)
        conversation = case((last.in_(usable), last), else_=fallback)
        bulk_route = self.settings.sms_bulk_route
        if bulk_route == TWILIO and TWILIO in usable:
            bulk: ColumnElement[str] = literal(TWILIO)
        elif bulk_route == "android" and self._phones(usable):
            phones = self._phones(usable)
            bulk = case((last.in_(phones), last), else_=self._fallback(phones))
        else:
            bulk = conversation
        return case((_outbox.c.priority >= URGENT, bulk), else_=conversation)

    def _phones(self, usable: list[str]) -> list[str]:
        return [route for route in usable if route != TWILIO]

    def _fallback(self, usable: list[str]) -> ColumnElement[str]:
        """For someone with no usable last route: their municipality's phone, a pool phone
        (spread by address), or Twilio."""
        municipality = (
            select(_persons.c.municipality_id)
            .where(_persons.c.id == _outbox.c.person_id)
            .scalar_subquery()
        )
        ids = self._municipality_ids or {}
        whens: list[tuple[ColumnElement[bool], str]] = [
            (municipality == ids[code], device.route)
            for device in self.devices
            if device.route in usable
            for code in device.municipalities
            if code in ids
        ]
        pool = [d.route for d in self.devices if not d.municipalities and d.route in usable]
        if not pool:
            pool = [route for route in usable if route == TWILIO] or self._phones(usable)
        whens += [(_outbox.c.address_id % len(pool) == i, r) for i, r in enumerate(pool)][1:]
        default: ColumnElement[str] = literal(pool[0])
        return case(*whens, else_=default) if whens else default
