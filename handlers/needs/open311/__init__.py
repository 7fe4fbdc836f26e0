"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Need categories are the services; needs are the service requests, read by anyone (never with
personal data) and created by outside apps holding an API key (`kenesh open311 key NAME`).
docs/open311.md describes every endpoint and choice."""

from handlers.needs.open311.routes import PREFIX, build_open311_router

__all__ = ["PREFIX", "build_open311_router"]
