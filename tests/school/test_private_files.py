"""The one private storage and the one way a private file is sent (school/private_files.py)."""

import pytest
from django.http import Http404

from school.private_files import (
    delete_private_files,
    download_name,
    private_file_response,
    private_storage,
    save_private_file,
)


def test_the_storage_is_the_folder_private_media_root_names(settings):
    save_private_file("send/1/a.pdf", b"%PDF-1.7 one")
    assert (settings.PRIVATE_MEDIA_ROOT / "send" / "1" / "a.pdf").read_bytes() == b"%PDF-1.7 one"


def test_saving_again_replaces_the_file_under_the_same_name():
    save_private_file("letters/1/x.pdf", b"first try")
    save_private_file("letters/1/x.pdf", b"second try")
    assert private_storage().open("letters/1/x.pdf").read() == b"second try"
    assert private_storage().listdir("letters/1") == ([], ["x.pdf"])


def test_deleting_a_file_already_gone_is_not_an_error():
    save_private_file("send/1/a.pdf", b"x")
    delete_private_files(["send/1/a.pdf", "send/1/never-there.pdf"])
    assert not private_storage().exists("send/1/a.pdf")


def test_the_response_is_never_cached_or_sniffed_and_names_the_file_safely():
    save_private_file("send/1/a.pdf", b"%PDF-1.7 body")
    response = private_file_response(
        "send/1/a.pdf", filename='Plan "final"\r\nSet-Cookie: x=1.pdf', content_type="application/pdf"
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.7 body"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Plan _final_ Set-Cookie_ x=1.pdf"'


def test_a_missing_file_is_a_404():
    with pytest.raises(Http404):
        private_file_response("send/1/gone.pdf", filename="gone.pdf", content_type="application/pdf")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("Zoë’s plan.docx", "Zoë’s plan.docx"),  # non-ASCII is kept (sent as filename*=utf-8'')
        ("plan\u202efdp.exe", "planfdp.exe"),  # would display as "planexe.pdf"
        ("..\\..\\etc\\passwd", "etc_passwd"),
        ("a\x00b.pdf", "a_b.pdf"),
        ("   ", "download"),
        ("x" * 300 + ".pdf", "x" * 150),
    ],
)
def test_download_names(name, expected):
    assert download_name(name) == expected
