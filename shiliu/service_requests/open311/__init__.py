"""Open311 GeoReport v2 for service requests: wire formats, API keys, the public fields and the views."""
