"""Demo-data seeders of the domain apps, run by ``seed_demo`` after the org tree and the demo logins exist.

An app registers ``seeder(*, scale, stdout)`` in its ``AppConfig.ready()``; seeders run in ``order`` and must be
deterministic and idempotent (a second run adds nothing), like ``seed_demo`` itself. ``core`` knows no domain app:
the apps come to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Seeder:
    name: str
    func: Callable
    order: int = 100
    flush: Callable | None = None  # removes the app's demo records (seed_demo --flush), run in reverse order


_SEEDERS: dict[str, Seeder] = {}


def register_seeder(name: str, func: Callable, *, order: int = 100, flush: Callable | None = None) -> None:
    _SEEDERS[name] = Seeder(name, func, order, flush)


def seeders() -> list[Seeder]:
    return sorted(_SEEDERS.values(), key=lambda s: (s.order, s.name))
