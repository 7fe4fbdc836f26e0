"""Open data at `/data/`: needs (anonymised), supports per need and month, tenders and awards,
and survey aggregates, as CSV and XLSX with a data dictionary and a licence line
(OPEN_DATA_LICENCE), beside links to the OCDS package and Open311.

datasets.py  what each data set holds and leaves out (and why), read in a few queries
files.py     the CSV and XLSX files, the licence
routes.py    the page and its files, built at most once per ten minutes in a process
"""

from pathlib import Path

from bot.i18n import N_
from bot.web.public.pages import PublicLink, PublicPages
from handlers.reports.open_data.routes import build

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "open_data"

PUBLIC = PublicPages(
    "open_data", build, TEMPLATES, nav=(PublicLink("/data/", N_("Open data"), 90),)
)
