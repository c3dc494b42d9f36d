"""Helpers shared by tests (browser flows)."""


def sign_in(page, username, password="Test-Passw0rd!"):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
