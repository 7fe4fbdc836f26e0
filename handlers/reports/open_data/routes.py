"""`/data/`: the open data page (downloads, the data dictionary, the licence, the OCDS package
and Open311) and its files. The files are built together, at most once per `REFRESH_SECONDS`
in a process however many download them at once, from one read of the database."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from bot.i18n import N_
from bot.web.public.memo import Memo
from bot.web.public.site import NOT_FOUND, PublicSite
from bot.web.public.visit import PublicProblem, Visit
from handlers.reports.open_data.datasets import Dataset, collect
from handlers.reports.open_data.files import WORKBOOK, csv_bytes, licence_of, xlsx_bytes
from handlers.tenders.ocds.package import PACKAGE_PATH
from models.base import utcnow

REFRESH_SECONDS = 600.0  # open data is at most ten minutes old
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPEN311 = ("/open311/v2/discovery.json", "/open311/v2/services.json", "/open311/v2/requests.json")


@dataclass(frozen=True)
class Snapshot:
    """The data sets and their files, as built at `made_at` (local time)."""

    made_at: str
    datasets: list[Dataset]
    csv: dict[str, bytes]
    xlsx: bytes


def build(site: PublicSite) -> APIRouter:
    """The open data page and its files."""
    router = APIRouter()
    memo = Memo(REFRESH_SECONDS)
    settings = site.settings
    licence = licence_of(settings.open_data_licence)

    async def make() -> Snapshot:
        async with site.app.sessions() as session:
            datasets = await collect(session, settings)
        made_at = utcnow().astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")
        about = [
            ("title", "Kenesh open data"),
            ("licence", f"{licence.name} {licence.url or ''}".strip()),
            ("source", f"{site.base_url}/data/"),
            ("made_at", f"{made_at} ({settings.timezone})"),
        ]
        return Snapshot(
            made_at, datasets, {d.name: csv_bytes(d) for d in datasets}, xlsx_bytes(datasets, about)
        )

    async def snapshot() -> Snapshot:
        return await memo.get("open-data", make)

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
            found.xlsx,
            media_type=XLSX,
            headers={"content-disposition": f'attachment; filename="{WORKBOOK}"'},
        )

    return router
