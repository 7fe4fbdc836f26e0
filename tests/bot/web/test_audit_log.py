"""The audit log page: admins only, filtered."""

from __future__ import annotations

import pytest

from models import Role
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def test_admins_read_the_trail_staff_are_refused(app) -> None:
    clerk = await create_member(app, "clerk")
    admin = await create_member(app, "admin", role=Role.admin, code=None)
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        refused = await client.get("/staff/audit/")
        assert refused.status_code == 403
        assert "Audit log" not in (await client.get("/staff/needs/")).text
    async with browser(app) as client:
        await sign_in(client, app, admin)
        page = await client.get("/staff/audit/")
        only_refusals = await client.get("/staff/audit/", params={"outcome": "refused"})
        of_clerk = await client.get(
            "/staff/audit/", params={"person": str(clerk.id), "action": "web_sign_in"}
        )
        bad = await client.get("/staff/audit/", params={"person": "bob"})
        odd = await client.get("/staff/audit/", params={"person": "²", "page": "³" + "9" * 30})
    assert page.status_code == 200 and "audit_log" in page.text and "web_sign_in" in page.text
    assert "refused" in only_refusals.text and "<td>web_sign_in</td>" not in only_refusals.text
    assert "session=1 page=/staff/sign-in/…" in of_clerk.text
    assert "Write a whole number" in bad.text
    assert odd.status_code == 200 and "Write a whole number" in odd.text
