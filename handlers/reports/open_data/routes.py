"""`/data/`: the open data page (downloads, the data dictionary, the licence, the OCDS package
and Open311) and its files, from a snapshot rebuilt in the background every `REFRESH_SECONDS`
(`snapshot.Latest`): one read of the database however many download them."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from bot.i18n import N_
from bot.web.public.site import NOT_FOUND, PublicSite
from bot.web.public.visit import PublicProblem, Visit
from handlers.reports.open_data.datasets import Source, read, tables
from handlers.reports.open_data.files import WORKBOOK, csv_bytes, licence_of, xlsx_bytes
from handlers.reports.open_data.snapshot import Latest, Snapshot
from handlers.tenders.ocds.package import PACKAGE_PATH
from models.base import utcnow

REFRESH_SECONDS = 600.0  # open data is at most ten minutes old
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPEN311 = ("/open311/v2/discovery.json", "/open311/v2/services.json", "/open311/v2/requests.json")


def build(site: PublicSite) -> APIRouter:
    """The open data page and its files."""
    router = APIRouter()
    settings = site.settings
    licence = licence_of(settings.open_data_licence)

    def files(source: Source) -> Snapshot:
        """The tables and their files: CPU only, in a thread, so the bot's event loop (its
        webhooks, its tick) keeps answering while a country's data is written."""
        datasets = tables(source, settings)
        made_at = utcnow().astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")
        about = [
            ("title", "Kenesh open data"),
            ("licence", f"{licence.name} {licence.url or ''}".strip()),
            ("source", f"{site.base_url}/data/"),
            ("made_at", f"{made_at} ({settings.timezone})"),
        ]
        return Snapshot(
            made_at, datasets, {d.name: csv_bytes(d) for d in datasets}, about, xlsx_bytes
        )

    async def make() -> Snapshot:
        async with site.app.sessions() as session:
            source = await read(session, settings)
        return await asyncio.to_thread(files, source)

    latest = Latest(make, REFRESH_SECONDS)
    snapshot = latest.get

    @router.get("/data/")
    async def data_page(visit: Visit = site.visit) -> Response:
        """What the open data holds, how to download it, and under which licence."""
        found = await snapshot()
        return visit.render(
            "open_data/data.html",
            title=visit.t(N_("Open data")),
            description=visit.t(
                N_(
                    "Needs, supports, tenders and survey results of every municipality, as CSV and XLSX."
                )
            ),
            snapshot=found,
            workbook=f"/data/{WORKBOOK}",
            licence=licence,
            ocds=PACKAGE_PATH,
            open311=OPEN311,
            min_group=settings.report_min_group,
        )

    @router.get("/data/{name}.csv")
    async def data_csv(name: str, visit: Visit = site.visit) -> Response:
        """One data set as CSV."""
        found = await snapshot()
        if name not in found.csv:
            raise PublicProblem(404, *NOT_FOUND)
        return Response(
            found.csv[name],
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="kenesh-{name}.csv"'},
        )

    @router.get(f"/data/{WORKBOOK}")
    async def data_xlsx(visit: Visit = site.visit) -> Response:
        """Every data set in one workbook."""
        found = await snapshot()
        return Response(
            await found.workbook(),
            media_type=XLSX,
            headers={"content-disposition": f'attachment; filename="{WORKBOOK}"'},
        )

    return router
