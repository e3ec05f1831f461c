# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""An app's source packed for a deploy, with its content digest.

The packing is the ``slipway`` CLI's own (``slipway.cli.archive.pack``: the
same ``.slipwayignore`` rules as ``slipway app-deploy``) and the digest is the
API's own (``slipway.provision.archive``, recorded in every release), so a
directory deployed by the module, by the CLI or by ``git push`` has one
digest. Both come from the ``slipway`` package, which must be importable by
the Python that runs ``app_deploy`` with O(src) or O(git) (the controller's,
where the CLI is installed); image deploys do not need it.
"""

from __future__ import annotations

import traceback

try:
    from slipway.cli.archive import pack
    from slipway.cli.errors import CliError
    from slipway.core.errors import DomainError
    from slipway.provision.archive import read as read_archive
except ImportError:
    HAS_SLIPWAY = False
    SLIPWAY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_SLIPWAY = True
    SLIPWAY_IMPORT_ERROR = None


class SourceError(Exception):
    """The directory cannot be deployed (missing, empty, too big, a bad Procfile...)."""


class PackedSource:
    def __init__(self, data: bytes, digest: str, files: int) -> None:
        self.data = data
        self.digest = digest
        self.files = files


def pack_directory(path: str) -> PackedSource:
    """The directory as the deploy's tar.gz, with the digest the API will record."""
    try:
        packed = pack([path])
        digest = read_archive(packed.data).digest
    except CliError as exc:
        raise SourceError(str(exc)) from None
    except DomainError as exc:
        raise SourceError(exc.message) from None
    return PackedSource(packed.data, digest, packed.files)
