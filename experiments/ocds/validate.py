"""Offline validation of OCDS packages with libcoveocds (the OCDS Data Review Tool's library).

libcoveocds normally downloads the standard's schema and codelists. Its `standard_zip` option
takes the standard as a ZIP archive instead; we build that archive in memory from the OCDS
1.1.5 schema shipped in `experiments/ocds/standard/schema/` (source and licence in
`experiments/ocds/standard/README.md`), and the packages name our extension by a `file://`
URL that ocdsextensionregistry reads from disk. Nothing is fetched from the network.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping
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


def validate_package(pkg: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one release or record package offline with libcoveocds.

    Args:
        pkg: The package (a parsed JSON object).

    Returns:
        libcoveocds' result: ``validation_errors`` (a list, empty when valid),
        ``additional_fields``, ``invalid_extension``, ``additional_checks``...

    Raises:
        ImportError: if libcoveocds is not installed (the `ocds` extra).
    """
    from libcoveocds.lib.api import context_api_transform
    from libcoveocds.common_checks import common_checks_ocds
    from libcoveocds.config import LibCoveOCDSConfig
    from libcoveocds.schema import SchemaOCDS

    # libcoveocds.api.ocds_json_output, with two offline settings: the standard from the shipped
    # ZIP, and `file://` allowed for the extensions (ocdsextensionregistry's own commands do so)
    config = LibCoveOCDSConfig({"standard_zip": standard_zip(), "context": "api"})
    data = dict(pkg)
    schema = SchemaOCDS("1.1", data, config, record_pkg="records" in data)
    for extension in schema.builder_extensions:
        extension.allow_schemes.add("file")
    listed = schema.builder.extensions

    def extensions_allowing_files():  # the builder lists the extensions again when it patches
        for extension in listed():
            extension.allow_schemes.add("file")
            yield extension

    schema.builder.extensions = extensions_allowing_files
    context: dict[str, Any] = {"file_type": "json"}
    with tempfile.TemporaryDirectory() as tmp:
        if schema.extensions:
            schema.create_extended_schema_file(tmp, "")
        context_api_transform(common_checks_ocds(context, tmp, data, schema, cache=False))
    return context
