"""Import people from an .xlsx through the product's import (check, then write).

``python -m bench.importing build N FILE`` writes the workbook; ``python -m bench.importing
load FILE`` imports it in a process of its own and prints one JSON line with the times and
that process's peak memory (so building the file does not count against the import)."""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.generate import ID_WEIGHTS  # noqa: E402
from linli.accounts.models import User  # noqa: E402
from linli.core.exchange.services import import_confirm, import_upload  # noqa: E402
from linli.directory.models import Community, Unit  # noqa: E402

HEADER = ["姓名", "性别", "身份证号", "手机", "小区", "房号", "身份", "开始日期"]


def unique_id_number(n: int, stamp: int) -> str:
    import datetime as dt
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n % 20_000)
    body = f"35{stamp % 90 + 10:02d}{stamp // 90 % 90 + 10:02d}{born:%Y%m%d}{n // 20_000:03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def workbook(rows: int, admin) -> bytes:
    import random
    # New people on every run (a reused data set already holds the last run's).
    stamp = int(time.time())
    rng = random.Random(stamp)  # noqa: S311 (benchmark data)
    units = list(Unit.objects.filter(tenant_id=admin.tenant_id)  # scoped-query-ok: bench
                 .values_list("community_id", "room_code")[:rows])
    names = dict(Community.objects.filter(tenant_id=admin.tenant_id)  # scoped-query-ok
                 .values_list("pk", "name"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("people")
    sheet.append(HEADER)
    for n in range(rows):
        community, code = units[n % len(units)]
        # ID numbers of another province than the generated directory's, distinct per row
        # and (by the run's stamp) per run, so no row names a person who is already there.
        sheet.append([f"导入{stamp % 100000}住户{n}", "", unique_id_number(n, stamp),
                      f"139{rng.randrange(10**8):08d}", names[community], code, "住户",
                      "2024-01-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build(rows: int, path: str) -> None:
    admin = User.objects.get(username="bench01-admin")
    with open(path, "wb") as out:
        out.write(workbook(rows, admin))


def load(path: str) -> None:
    with open(path, "rb") as file:
        data = file.read()
    admin = User.objects.get(username="bench01-admin")
    settings.IMPORT_BACKGROUND_ROWS = 10**7   # write in this process, not in a worker
    started = time.perf_counter()
    run = import_upload(actor=admin, key="directory-people",
                        upload=SimpleUploadedFile("people.xlsx", data))
    checked = time.perf_counter() - started
    started = time.perf_counter()
    if run.can_confirm:
        run = import_confirm(actor=admin, run=run)
    written = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "rows": run.row_count, "file_mb": round(len(data) / 2**20, 1),
        "check_seconds": round(checked, 1), "write_seconds": round(written, 1),
        "total_seconds": round(checked + written, 1), "written": run.written_count,
        "errors": run.error_count, "first_errors": (run.errors or [])[:3],
        "status": run.status, "peak_rss_mb": round(peak, 1),
        "target_seconds": 60, "target_peak_mb": 500}))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(int(sys.argv[2]), sys.argv[3])
    else:
        load(sys.argv[2])
