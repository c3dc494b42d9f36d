from django.urls import reverse

from shiliu.accounts.models import User


def test_flagged_user_reaches_only_password_change(client, tree):
    User.objects.filter(pk=tree.office_a.pk).update(must_change_password=True)
    client.force_login(User.objects.get(pk=tree.office_a.pk))
    for url in (reverse("orgs:unit_list"), reverse("exchange:template", args=["units"]), "/api/units"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == reverse("accounts:password_change")
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_created_user_must_change_password(tree):
    from shiliu.accounts.services import user_create
    from shiliu.core.roles import Role

    user = user_create(
        actor=tree.office_a, username="newbie", password="Strong-Pass-123", role=Role.LEADER, area=tree.town_a
    )
    assert user.must_change_password
