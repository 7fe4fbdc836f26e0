"""The public site: pages anyone may open, at the root of `kenesh serve` (`PUBLIC_URL/`), that
knows no domain — a municipality's priorities, tenders and results for residents, NGOs,
journalists and donors.

How to add a public page (in `handlers/<domain>/public.py`, say):

1. Write a router builder `def build(site: PublicSite) -> APIRouter` whose pages take
   `visit: Visit = site.visit` and answer `visit.render("<domain>/page.html", title=…,
   description=…, …)`; the title and description (in `visit.language`) are the link preview.
   Raise `PublicProblem(404, N_(title), N_(advice))` for what does not exist. Read through the
   domain's own services (the ones the bot and the staff reports use), and wrap anything heavy
   in `await visit.cached(key, compute)`.
2. Its templates extend `public.html` and fill `{% block content %}`; every string through
   `_()`; no inline script or style (the CSP refuses them); nothing about a person.
3. Declare it in the domain's `__init__`: `PUBLIC = (PublicPages("<domain>", build,
   TEMPLATES, sections=…, nav=…),)`. A `Section("municipality", order, template, load)` adds
   a part to a page another domain owns (the municipality page passes its `Municipality`).
4. Test it through httpx (`tests/bot/web/test_public.py` shows how) and add its pages to the
   privacy crawl, `tests/bot/web/test_public_privacy.py`.

Around every page the platform gives the layout (mobile first, no script, small), the language
(`?lang=`, then a cookie, else `Accept-Language`; `language`), an ETag with 304 and a short
`Cache-Control` (`guard`), the per-client limit (`limits`, `PUBLIC_RATE`), the memo of heavy
figures (`memo`, `PUBLIC_CACHE_SECONDS`) and the security headers. `PUBLIC_PAGES=false` serves
none of it.
"""
