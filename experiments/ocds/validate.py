"""Offline validation of OCDS packages with libcoveocds (the OCDS Data Review Tool's library).

`validate_package` is libcoveocds' own `libcoveocds.api.ocds_json_output`, unchanged, with two
offline arrangements, both through interfaces the libraries provide:

- the standard: libcoveocds' `standard_zip` setting (the CLI's ``--standard-zip``) takes the
  standard as a ZIP archive instead of downloading it; we build that archive in memory from the
  OCDS 1.1.5 schema shipped in `experiments/ocds/standard/schema/` (source and licence in
  `experiments/ocds/standard/README.md`);
- the extension: libcoveocds reads extensions with ocdsextensionregistry, which fetches each
  URL listed in a package's ``extensions`` over http(s) with its `requests` session
  (`ocdsextensionregistry.util.session`); other schemes (``file://``) are refused (a traceback
  in libcoveocds 0.17). The export lists the extension at `export.EXTENSION_URL`, and
  `shipped_extension` mounts a `requests` transport adapter on that session for that URL's
  folder only, answering from `experiments/ocds/extension/`. Every other URL is fetched as usual
  (offline: "fetching failed", and the extension's fields go unchecked).

Nothing is fetched from the network. Anyone else can validate an export with the stock
command, ``libcoveocds --standard-zip STANDARD.zip FILE.json``, once the extension folder is
served at the URL the package lists (see experiments/ocds/extension/README.md).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STANDARD_DIR = Path(__file__).resolve().parent / "standard"
STANDARD_TAG = "1__1__5"


def standard_zip() -> bytes:
    """The shipped OCDS schema as the ZIP archive of the standard repository libcoveocds expects."""
    buf = io.BytesIO()
    root = f"standard-{STANDARD_TAG}/"
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(root, "")
        for path in sorted((STANDARD_DIR / "schema").rglob("*")):
            if path.is_file():
                zf.write(path, root + path.relative_to(STANDARD_DIR).as_posix())
    return buf.getvalue()


def _folder_adapter(folder: Path, base: str):
    """A `requests` transport adapter answering GETs of ``base + NAME`` with ``folder/NAME``
    (404 for any other name), built on requests' own `HTTPAdapter.build_response`."""
    from requests.adapters import HTTPAdapter
    from urllib3 import HTTPResponse

    class FolderAdapter(HTTPAdapter):
        def send(self, request, **kwargs):  # noqa: ARG002 (requests' signature)
            name = request.url[len(base):].split("?")[0].split("#")[0]
            path = folder / name
            found = bool(name) and "/" not in name and name not in (".", "..") and path.is_file()
            body = path.read_bytes() if found else b""
            raw = HTTPResponse(body=io.BytesIO(body), headers={"Content-Length": str(len(body))},
                               status=200 if found else 404, reason="OK" if found else "Not Found",
                               preload_content=False, request_url=request.url)
            return self.build_response(request, raw)

    return FolderAdapter()


@contextmanager
def shipped_extension(url: str | None = None) -> Iterator[None]:
    """While open, ocdsextensionregistry reads the extension at `url` (default
    `export.EXTENSION_URL`) from the shipped folder `experiments/ocds/extension/`."""
    from ocdsextensionregistry.util import session

    from experiments.ocds.export import EXTENSION_DIR, EXTENSION_URL

    base = (url or EXTENSION_URL).rsplit("/", 1)[0] + "/"
    session.mount(base, _folder_adapter(EXTENSION_DIR, base))
    try:
        yield
    finally:
        session.adapters.pop(base, None)


def validate_package(pkg: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one release or record package offline with libcoveocds.

    Args:
        pkg: The package (a parsed JSON object).

    Returns:
        libcoveocds' result: ``validation_errors`` (a list, empty when valid),
        ``additional_fields``, ``extensions`` (``invalid_extension``: the extensions it could
        not read), ``additional_checks``...

    Raises:
        ImportError: if libcoveocds is not installed (the `ocds` extra).
    """
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({"standard_zip": standard_zip(), "context": "api"})
    with shipped_extension(), tempfile.TemporaryDirectory() as tmp:
        return ocds_json_output(tmp, json_data=dict(pkg), lib_cove_ocds_config=config)
