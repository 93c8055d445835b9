import os
from pathlib import Path

import environ
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bzpeer.settings")
# A web request's query never runs longer than this (unless the environment or .env says
# otherwise); imports, migrations and Celery tasks do not come through here and keep no limit.
environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env")
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "20s")
application = get_wsgi_application()
