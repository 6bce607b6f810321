"""The checks every upload passes: type by content, and what a ZIP-based document unpacks to."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from forum_portal import uploads


def archive(parts: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zipped:
        for name, content in parts.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


WORD = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>" * 50})
OPEN_DOCUMENT = archive({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.docx", WORD),
        ("plan.odt", OPEN_DOCUMENT),
        ("sums.xlsx", archive({"xl/workbook.xml": b"<workbook/>"})),
        ("plan.pdf", b"%PDF-1.7 small"),
    ],
)
def test_a_real_document_passes(name, content):
    file = upload(name, content)
    extension = uploads.extension_of(name)

    assert (uploads.begins_like(file, extension), uploads.unpacks_safely(file, extension)) == (True, True)
    assert file.read() == content  # left at the start, for saving


def test_a_zip_without_its_types_part_is_not_that_document():
    not_word = upload("plan.docx", archive({"notes.txt": b"hello"}))

    assert uploads.begins_like(not_word, "docx") is True
    assert uploads.unpacks_safely(not_word, "docx") is False


def test_a_document_that_unpacks_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 10_000)
    bomb = upload("plan.docx", archive({"word/document.xml": bytes(10_001)}))
    within = upload("plan.docx", archive({"word/document.xml": bytes(10_000)}))

    assert len(bomb.read()) < 200  # small on the wire
    assert (uploads.unpacks_safely(bomb, "docx"), uploads.unpacks_safely(within, "docx")) == (False, True)


def test_a_damaged_part_is_refused():
    content = bytearray(archive({"word/document.xml": b"<w:document/>" * 50}, compression=zipfile.ZIP_STORED))
    at = content.index(b"<w:document/>")
    content[at : at + 3] = b"XXX"  # the checksum no longer matches

    assert uploads.unpacks_safely(upload("plan.docx", bytes(content)), "docx") is False


def test_a_part_that_understates_its_size_is_refused():
    content = bytearray(archive({"word/document.xml": bytes(5000)}))
    central = content.rindex(b"PK\x01\x02")
    # The central directory's "uncompressed size" of the part (offset 24) now says 10 bytes.
    content[central + 24 : central + 28] = (10).to_bytes(4, "little")

    assert uploads.unpacks_safely(upload("plan.docx", bytes(content)), "docx") is False


def test_a_file_that_is_not_a_zip_at_all_is_refused():
    renamed = upload("plan.docx", b"PK\x03\x04 but nothing after")

    assert uploads.unpacks_safely(renamed, "docx") is False


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", b"MZ\x90\x00", False),
        ("report.doc", b"%PDF-1.4", False),
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", True),
        ("list.csv", "name,age\nÉlodie,7\n".encode(), True),
        ("list.csv", b"\x00\x01\x02\xff\xfe", False),
    ],
)
def test_files_must_begin_like_their_type(name, content, expected):
    assert uploads.begins_like(upload(name, content), uploads.extension_of(name)) is expected
