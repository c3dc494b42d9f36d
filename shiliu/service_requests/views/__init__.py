"""Pages of the service-request app, split by sub-domain: requests, public pages, grid visits, configuration and
the ranking. Each view fetches through the app's selectors and writes through one service."""

from . import config, public, ranking, requests, visits

__all__ = ["config", "public", "ranking", "requests", "visits"]
