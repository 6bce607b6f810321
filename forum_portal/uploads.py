"""What every uploaded file is checked for before the portal keeps it, whichever rung takes it.

The name alone proves nothing: a file must begin the way files of its type begin. Word (.docx),
Excel (.xlsx) and OpenDocument files are ZIP archives, so beginning like a ZIP is not enough
either: the archive must hold the part its type needs, be undamaged, and unpack to a sensible
size, so a "zip bomb" that unpacks to gigabytes on a parent's or officer's computer is refused.
"""

import zipfile
import zlib

# How each type's files begin.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "doc": (b"\xd0\xcf\x11\xe0",),  # the old Word format, an OLE compound file
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
}

# The part a real document of each ZIP-based type holds.
ZIP_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "odt": "content.xml",
    "ods": "content.xml",
}

# Far more than any real leaflet or plan unpacks to (text compresses about tenfold, pictures not
# at all), far less than a zip bomb.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def begins_like(upload, extension: str) -> bool:
    """Whether the file's first bytes are those of its type (CSV: text, not a binary file)."""
    upload.seek(0)
    start = upload.read(1024)
    upload.seek(0)
    if extension == "csv":
        try:
            start.decode("utf-8")
        except UnicodeDecodeError:
            # A cut in the middle of a character is still text; a binary file rarely decodes this far.
            return b"\x00" not in start
        return True
    signatures = SIGNATURES.get(extension)
    return signatures is None or start.startswith(signatures)


def unpacks_safely(upload, extension: str) -> bool:
    """For the ZIP-based types: the archive holds its type's part, every part is intact, and it
    all unpacks to at most ``MAX_UNPACKED_BYTES``. Other types pass."""
    part = ZIP_PARTS.get(extension)
    if part is None:
        return True
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if part not in {member.filename for member in members}:
                return False
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                return False
            # Reading every part checks it against its checksum; a part that says it is smaller
            # than it is stops at the size it gave and fails the check, so this stays bounded.
            return archive.testzip() is None
    # Damaged, encrypted (RuntimeError: a password is needed) or of a compression zipfile lacks.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
        return False
    finally:
        upload.seek(0)
