"""Test settings: the real settings with only speed knobs flipped."""

import os

# Tests run as production does, whatever a developer's .env says (make run writes DEBUG=true).
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-" + "not-a-secret-" * 4)
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
# The test client speaks plain HTTP; the redirect to HTTPS is tested on its own.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from bzpeer.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# Tests that queue tasks for real use Redis (tests/processes.py); without it, memory.
CELERY_BROKER_URL = REDIS_URL or "memory://"  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# The suite never reaches the network: a source a test does not replace refuses at once.
OPENALEX_API_URL = CROSSREF_API_URL = ARXIV_API_URL = ORCID_API_URL = "http://127.0.0.1:9"
DATACITE_API_URL = ROR_API_URL = "http://127.0.0.1:9"
