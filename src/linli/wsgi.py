import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
application = get_wsgi_application()

# Everything loaded at start-up (apps, URLconf, views, catalogues) lives as long as the worker:
# moved out of the collector's reach, a full collection walks only what requests allocate. A
# report answer of thousands of cells otherwise set off collections that walked the whole
# process, 150–250 ms each, once in a few requests.
get_resolver().url_patterns  # noqa: B018 (loads every view module now, not on a request)
gc.collect()
gc.freeze()
