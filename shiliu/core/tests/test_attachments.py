"""Attachments: kind checked by the first bytes, size and count limits, scoped download, upload and removal."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shiliu.activities.tests.factories import make_activity, png_bytes, upload
from shiliu.core.attachments import Attachment, attachment_add, attachment_remove, attachments_of
from shiliu.core.errors import ApplicationError, NotVisible

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


@pytest.fixture
def activity(tree):
    return make_activity(unit=tree.unit_a, title="古尔邦节联欢会")


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "name,content,mime",
    [("a.png", png_bytes(), "image/png"), ("b.jpg", JPEG, "image/jpeg"), ("c.webp", WEBP, "image/webp"),
     ("d.pdf", PDF, "application/pdf"), ("photo.txt", png_bytes(), "image/png")],
)  # fmt: skip
def test_accepted_kinds_are_told_by_their_bytes(tree, activity, name, content, mime):
    attachment = attachment_add(actor=tree.unit_user_a, owner=activity, uploaded=upload(name, content))
    assert attachment.mime_type == mime
    assert attachment.size == len(content)
    assert attachment.area_path == tree.village_a.path
    assert attachment.path.read_bytes() == content
    assert attachment.history.first().history_user == tree.unit_user_a


@pytest.mark.parametrize("name,content", [("photo.jpg", EXE), ("photo.png", HTML), ("scan.pdf", b"PDF-ish")])
def test_renamed_executables_and_html_are_refused(tree, activity, name, content):
    with pytest.raises(ApplicationError) as exc:
        attachment_add(actor=tree.unit_user_a, owner=activity, uploaded=upload(name, content))
    assert exc.value.field == "file"
    assert "JPEG" in str(exc.value.message) and name in str(exc.value.message)
    assert not Attachment.objects.exists()


def test_size_and_count_limits(tree, activity, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ApplicationError, match="at most"):
        attachment_add(actor=tree.unit_user_a, owner=activity, uploaded=upload("big.pdf", PDF + b"x" * 100))
    settings.ATTACHMENT_MAX_BYTES = 10_000
    settings.ATTACHMENT_MAX_PER_OWNER = 2
    for n in range(2):
        attachment_add(actor=tree.unit_user_a, owner=activity, uploaded=upload(f"{n}.pdf", PDF))
    with pytest.raises(ApplicationError, match="at most 2"):
        attachment_add(actor=tree.unit_user_a, owner=activity, uploaded=upload("3.pdf", PDF))
    assert attachments_of(activity).count() == 2


def test_writes_outside_scope_are_refused(tree, activity):
    for user in (tree.office_b, tree.leader, tree.grid_user, tree.nobody):
        with pytest.raises(NotVisible):
            attachment_add(actor=user, owner=activity, uploaded=upload("a.png", png_bytes()))
    attachment = attachment_add(actor=tree.office_a, owner=activity, uploaded=upload("a.png", png_bytes()))
    with pytest.raises(NotVisible):
        attachment_remove(actor=tree.office_b, attachment=attachment)
    path = attachment.path
    attachment_remove(actor=tree.unit_user_a, attachment=attachment)
    assert not Attachment.objects.exists()
    removal = Attachment.history.filter(history_type="-").get()
    assert removal.history_user == tree.unit_user_a
    # The file goes once the transaction commits (the test transaction never does, so it may remain).
    assert path.name.endswith(".png")


def test_download_follows_the_owner_scope(tree, activity):
    attachment = attachment_add(
        actor=tree.unit_user_a, owner=activity, uploaded=upload("合影.png", png_bytes())
    )
    url = reverse("core:attachment", args=[attachment.pk])
    for user in (tree.office_a, tree.city_office, tree.unit_user_a, tree.leader, tree.admin):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "inline" in response["Content-Disposition"]
        assert "sandbox" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content) == png_bytes()
    for user in (tree.office_b, tree.dept_user, tree.grid_user, tree.nobody):
        assert client_for(user).get(url).status_code == 404, user
    forged = client_for(tree.office_a).get(reverse("core:attachment", args=[attachment.pk + 1000]))
    assert forged.status_code == 404
    assert client_for(tree.office_a).get(url + "?download=1")["Content-Disposition"].startswith("attachment")
    pdf = attachment_add(actor=tree.unit_user_a, owner=activity, uploaded=upload("说明.pdf", PDF))
    response = client_for(tree.office_a).get(reverse("core:attachment", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert Client().get(url).status_code == 302  # signed out: to the sign-in page


def test_files_are_not_reachable_as_static_or_media(tree, activity, client):
    attachment = attachment_add(actor=tree.unit_user_a, owner=activity, uploaded=upload("a.png", png_bytes()))
    client.force_login(tree.admin)
    for prefix in ("/media/", "/static/", "/attachments/", "/private/"):
        response = client.get(f"{prefix}attachments/{attachment.stored_name}")
        assert response.status_code == 404, prefix


def test_upload_and_remove_through_http(tree, activity):
    client = client_for(tree.unit_user_a)
    upload_url = reverse("core:attachment_upload", args=["activities", "activity", activity.pk])
    detail = reverse("activities:activity_detail", args=[activity.pk])
    response = client.post(upload_url, {"file": upload("p.png", png_bytes()), "next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    attachment = attachments_of(activity).get()
    page = client.get(detail).content.decode()
    assert reverse("core:attachment", args=[attachment.pk]) in page
    # A refused file comes back as a message, nothing stored.
    response = client.post(upload_url, {"file": upload("x.png", EXE), "next": detail}, follow=True)
    assert "JPEG" in response.content.decode()
    assert attachments_of(activity).count() == 1
    # The sibling office cannot upload or remove.
    other = client_for(tree.office_b)
    assert other.post(upload_url, {"file": upload("p.png", png_bytes())}).status_code == 404
    remove_url = reverse("core:attachment_remove", args=[attachment.pk])
    assert other.post(remove_url).status_code == 404
    # A leader sees it but cannot remove it.
    assert client_for(tree.leader).post(remove_url).status_code == 404
    assert client.post(remove_url, {"next": detail}).status_code == 302
    assert not attachments_of(activity).exists()


def test_models_without_attachments_take_none(tree, client):
    client.force_login(tree.admin)
    url = reverse("core:attachment_upload", args=["orgs", "unit", tree.unit_a.pk])
    assert client.post(url, {"file": upload("p.png", png_bytes())}).status_code == 404


def test_htmx_upload_swaps_the_panel_and_shows_a_refusal_in_it(tree, activity):
    client = client_for(tree.unit_user_a)
    url = reverse("core:attachment_upload", args=["activities", "activity", activity.pk])
    response = client.post(url, {"file": upload("p.png", png_bytes())}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="card" id="attachments"') and "p.png" in body
    response = client.post(url, {"file": upload("x.png", EXE)}, HTTP_HX_REQUEST="true")
    assert "data-attachment-error" in response.content.decode()
    assert attachments_of(activity).count() == 1
