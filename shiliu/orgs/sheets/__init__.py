"""Excel sheets of areas, units and area statistics, for the exchange engine.

Imports validate with the same functions the forms use (``validate_area_code``, ``unit_clean``, scope's
``ensure_writable``) against sets prefetched in a few queries, then write in bulk with history.

Found by the exchange app's autodiscovery (``autodiscover_modules("sheets")``); importing them registers them.
"""

from .areas import AreaSheet
from .statistics import AreaStatisticsSheet
from .units import UnitSheet

__all__ = ["AreaSheet", "AreaStatisticsSheet", "UnitSheet"]
