import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shiliu.settings.local")
application = get_wsgi_application()

from shiliu.core.runtime import freeze_startup_objects  # noqa: E402 - needs the configured application

freeze_startup_objects()
