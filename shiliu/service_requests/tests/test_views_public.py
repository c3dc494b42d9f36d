"""The residents' pages without login: submit (spam resistance, rate limit), look up (no personal data, no staff
names), rate once with the rating code."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from shiliu.service_requests.choices import RequestStatus
from shiliu.service_requests.models import ServiceRequest
from shiliu.service_requests.views import guard

from .factories import RATING_CODE, category, make_request

S = RequestStatus
URL = "/requests/public/new/"


@pytest.fixture(autouse=True)
def fast_public_form(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REQUESTS_PUBLIC_MIN_FILL_SECONDS = 0
    settings.REQUESTS_PUBLIC_RATE_LIMIT = 3
    cache.clear()


def resident(ip="10.0.0.1"):
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=ip)


def form_data(tree, **extra):
    data = {
        "category": category("infrastructure").pk,
        "area": tree.grid_a.pk,
        "description": "小区东门路灯坏了一个多月，晚上出行不安全。",
        "address": "团结社区东门",
        "requester_name": "马小红",
        "requester_phone": "13700001111",
        "website": "",
        "started": guard.render_token(),
    }
    data.update(extra)
    return data


def test_urls_follow_the_contract():
    assert reverse("service_requests:public_create") == URL
    assert reverse("service_requests:public_lookup") == "/requests/public/lookup/"
    assert (
        reverse("service_requests:public_rate", args=["SR-AAAA-BBBB-CC"])
        == "/requests/public/rate/SR-AAAA-BBBB-CC/"
    )


def test_resident_submits_and_sees_the_codes_once(tree):
    client = resident()
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="website"' in body and 'name="started"' in body
    assert "sidebar-menu" not in body  # the public layout has no navigation
    response = client.post(URL, form_data(tree))
    assert response.status_code == 302, response.content.decode()[:3000]
    created = ServiceRequest.objects.get()
    assert created.channel == "web" and created.status == S.SUBMITTED and created.created_by is None
    assert created.requester_phone == "13700001111"
    done = client.get(response["Location"])
    text = done.content.decode()
    assert created.ticket in text
    code = done.context["receipt"]["rating_code"]
    assert code and code.isdigit() and code in text
    # Shown once only.
    again = client.get(reverse("service_requests:public_done"))
    assert again.status_code == 302 and code not in again.content.decode()


def test_honeypot_fast_and_stale_forms_are_refused(tree, settings):
    client = resident()
    assert client.post(URL, form_data(tree, website="http://spam.example")).status_code == 400
    assert client.post(URL, form_data(tree, started="forged")).status_code == 400
    settings.REQUESTS_PUBLIC_MIN_FILL_SECONDS = 60
    fast = client.post(URL, form_data(tree, description="第二个诉求：垃圾桶满了没人清理。"))
    assert fast.status_code == 400 and "too quickly" in fast.content.decode()
    assert not ServiceRequest.objects.exists()


def test_length_limits_and_duplicate_text(tree):
    client = resident()
    assert client.post(URL, form_data(tree, description="太短")).status_code == 400
    assert client.post(URL, form_data(tree, description="长" * 2001)).status_code == 400
    assert client.post(URL, form_data(tree)).status_code == 302
    duplicate = resident("10.0.0.2").post(URL, form_data(tree))
    assert duplicate.status_code == 400 and "already been received" in duplicate.content.decode()
    assert ServiceRequest.objects.count() == 1


def test_submissions_are_rate_limited_per_address(tree):
    client = resident("10.0.0.9")
    for n in range(3):
        response = client.post(URL, form_data(tree, description=f"第{n}个不同的诉求内容，路灯问题。"))
        assert response.status_code == 302
    blocked = client.post(URL, form_data(tree, description="第四个不同的诉求内容，路灯问题。"))
    assert blocked.status_code == 429
    assert ServiceRequest.objects.count() == 3
    # Another address is not affected.
    assert (
        resident("10.0.0.10").post(URL, form_data(tree, description="别处的诉求，路灯问题。")).status_code
        == 302
    )


def test_lookup_shows_status_and_steps_without_personal_data_or_staff_names(tree):
    r = make_request(tree.grid_a, status=S.CLOSED, lead=tree.dept, reply_note="路灯已修复", requester_name="马小红",
                     requester_phone="13700001111")  # fmt: skip
    from shiliu.service_requests.models import RequestEvent

    RequestEvent.objects.create(request=r, action="accept", from_status="submitted", to_status="accepted",
                                actor=tree.office_a, note="内部备注：联系马小红")  # fmt: skip
    client = resident()
    response = client.get(
        reverse("service_requests:public_lookup"), {"ticket": r.ticket.lower().replace("-", " ")}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert r.ticket in body and "路灯已修复" in body
    for secret in ("马小红", "13700001111", "137****1111", "office_a", "内部备注"):
        assert secret not in body, secret
    missing = client.get(reverse("service_requests:public_lookup"), {"ticket": "SR-2222-3333-44"})
    assert missing.status_code == 404


def test_rating_once_with_the_code_and_wrong_codes_are_limited(tree, settings):
    r = make_request(tree.grid_a, status=S.CLOSED, lead=tree.dept)
    url = reverse("service_requests:public_rate", args=[r.ticket])
    client = resident()
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"rating_code": "000000", "rating": "satisfied"})
    assert wrong.status_code == 400
    r.refresh_from_db()
    assert r.rating == ""
    ok = client.post(url, {"rating_code": RATING_CODE, "rating": "satisfied", "comment": "很及时"})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.rating == "satisfied"
    again = client.post(url, {"rating_code": RATING_CODE, "rating": "dissatisfied"})
    assert again.status_code in (200, 400)
    r.refresh_from_db()
    assert r.rating == "satisfied"
    # Guessing codes: after the limit, even the right code is refused from that address.
    other = make_request(tree.grid_a, status=S.CLOSED, lead=tree.dept)
    other_url = reverse("service_requests:public_rate", args=[other.ticket])
    guesser = resident("10.9.9.9")
    for code in ("111111", "222222", "333333"):
        guesser.post(other_url, {"rating_code": code, "rating": "satisfied"})
    blocked = guesser.post(other_url, {"rating_code": RATING_CODE, "rating": "satisfied"})
    assert blocked.status_code == 429
    other.refresh_from_db()
    assert other.rating == ""


def test_dissatisfied_rating_reopens_the_request(tree):
    r = make_request(tree.grid_a, status=S.CLOSED, lead=tree.dept)
    url = reverse("service_requests:public_rate", args=[r.ticket])
    assert resident().post(url, {"rating_code": RATING_CODE, "rating": "dissatisfied"}).status_code == 302
    r.refresh_from_db()
    assert r.status != S.CLOSED and r.reopened_count == 1


def test_photos_sent_with_the_public_form_are_attached(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shiliu.core.attachments import attachments_of

    from .test_views_visits_config import PNG

    data = form_data(tree, photos=[SimpleUploadedFile("a.png", PNG, content_type="image/png"),
                                   SimpleUploadedFile("b.png", PNG, content_type="image/png")])  # fmt: skip
    assert resident().post(URL, data).status_code == 302
    assert attachments_of(ServiceRequest.objects.get()).count() == 2
    bad = form_data(tree, description="另一个诉求：伪装成图片的文件。",
                    photos=[SimpleUploadedFile("x.png", b"not an image", content_type="image/png")])  # fmt: skip
    refused = resident("10.0.0.3").post(URL, bad)
    assert refused.status_code == 400 and ServiceRequest.objects.count() == 1


def test_failed_lookups_are_rate_limited_per_address(tree, settings):
    settings.REQUESTS_PUBLIC_RATE_LIMIT = 2
    r = make_request(tree.grid_a)
    client = resident("10.7.7.7")
    url = reverse("service_requests:public_lookup")
    for code in ("SR-2222-3333-44", "SR-2222-3333-45"):
        assert client.get(url, {"ticket": code}).status_code == 404
    assert client.get(url, {"ticket": r.ticket}).status_code == 429
    assert resident("10.7.7.8").get(url, {"ticket": r.ticket}).status_code == 200
