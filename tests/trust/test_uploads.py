"""Uploads: every form with a file field refuses hostile files with a message on that field, and
the portal's own limits on request bodies hold for forms without files."""

import functools
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from .forms import forms_to_fuzz
from .walker import load_tables, request_leaving_no_trace, signed_in_clients

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# More than any upload limit of the portal (INFORMATION_ATTACHMENT_MAX_MB, CONSULTATIONS_MAX_DOCUMENT_MB: 10).
OVERSIZE_MB = int(os.environ.get("TRUST_OVERSIZE_UPLOAD_MB", "12"))


def zip_bomb(name: str) -> SimpleUploadedFile:
    """A small ZIP (an Office document is one) that expands to 200 MB of zeros."""
    return SimpleUploadedFile(name, zip_bomb_bytes(), content_type="application/zip")


@functools.cache
def zip_bomb_bytes() -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as inside,
    ):
        block = bytes(1024 * 1024)
        for _ in range(200):
            inside.write(block)
    return buffer.getvalue()


def hostile_files():
    """(what it is, the file). Each must be refused, except a path-like name, which may be stored
    under a safe name of the portal's choosing."""
    return [
        ("a program named .pdf", SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + bytes(512), "application/pdf")),
        ("a PDF named .exe", SimpleUploadedFile("report.exe", PDF, "application/octet-stream")),
        ("an HTML page named .pdf", SimpleUploadedFile("report.pdf", b"<script>alert(1)</script>", "text/html")),
        (f"{OVERSIZE_MB} MB", SimpleUploadedFile("big.pdf", PDF + bytes(OVERSIZE_MB * 1024 * 1024), "application/pdf")),
        ("a zip bomb named .docx", zip_bomb("plan.docx")),
        ("a zip bomb named .zip", zip_bomb("plan.zip")),
    ]


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def upload_forms(world):
    tables = load_tables(world)
    clients = signed_in_clients(world)
    return clients, [
        (key, action, role, form)
        for key, action, role, form in forms_to_fuzz(world, tables, clients)
        if any(field.kind == "file" for field in form.fields.values())
    ]


def test_every_upload_refuses_hostile_files(world, settings):
    clients, targets = upload_forms(world)
    if not targets:
        pytest.skip("no page of the portal has an upload form yet")

    wrong = []
    for key, action, role, form in targets:
        for file_field in [field.name for field in form.fields.values() if field.kind == "file"]:
            for what, upload in hostile_files():
                data = {**form.defaults(), file_field: upload}
                response = request_leaving_no_trace(clients[role], action, method="post", data=data)
                where = f"{key} {action} as {role}, {what} in {file_field}"
                body = response.content.decode(errors="replace")
                if response.status_code >= 500:
                    wrong.append(f"{where}: {response.status_code}")
                elif response.status_code != 200 or f'href="#id_{file_field}"' not in body:
                    wrong.append(f"{where}: not refused with a message on the field ({response.status_code})")

    assert wrong == [], "\n".join(wrong)


def test_a_file_named_like_a_path_stays_in_the_media_folder(world, settings, tmp_path):
    clients, targets = upload_forms(world)
    if not targets:
        pytest.skip("no page of the portal has an upload form yet")
    media = Path(settings.MEDIA_ROOT)
    outside_before = files_under(tmp_path) - files_under(media)

    for key, action, role, form in targets:
        for file_field in [field.name for field in form.fields.values() if field.kind == "file"]:
            upload = SimpleUploadedFile("../../../../escaped.pdf", PDF, "application/pdf")
            data = {**form.defaults(), file_field: upload}
            response = request_leaving_no_trace(clients[role], action, method="post", data=data)
            assert response.status_code < 500, f"{key} {action}: {response.status_code}"

    assert files_under(tmp_path) - files_under(media) == outside_before
    assert not any(path.name == "escaped.pdf" for path in Path("/").glob("*/escaped.pdf"))


# --- The kernel's limits ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_file_sent_to_a_form_without_uploads_is_not_stored(world, settings):
    client = Client()
    client.force_login(world.parent)

    response = client.post(
        reverse("people:profile"),
        {"postcode_consent": "no", "document": SimpleUploadedFile("../../evil.pdf", PDF, "application/pdf")},
    )

    assert response.status_code in (200, 302)
    assert files_under(Path(settings.MEDIA_ROOT)) == set()


def test_a_body_over_the_limit_is_refused_with_400(world):
    client = Client()
    client.force_login(world.parent)
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(reverse("people:profile"), {"postcode_district": too_big})

    assert response.status_code == 400


def test_too_many_fields_are_refused_with_400(world):
    client = Client()
    client.force_login(world.parent)
    fields = {f"field{number}": "1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client.post(reverse("people:profile"), fields)

    assert response.status_code == 400


def test_data_download_is_an_attachment_the_browser_will_not_sniff(world):
    from .permission_table_portal import build

    build(world)
    client = Client()
    client.force_login(world.parent)

    response = client.get(reverse("people:data-export-download", args=[world.export_ready.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-forum-data.zip"'
    assert response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
