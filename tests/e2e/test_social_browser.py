from tests.conftest import run_command
from tests.e2e.conftest import log_in


def test_follow_see_new_work_invite_accept_and_talk(
    browser, pending_site, reader_and_collaborator, tmp_path
):
    base = pending_site.url

    # A follows B, and B's new work shows in A's feed.
    a = log_in(browser, base, "ana@example.org")
    a.goto(f"{base}/researchers/danijar-hafner/")
    a.get_by_role("button", name="Follow researcher 0").click()
    a.get_by_role("button", name="Following 1").wait_for()
    path = tmp_path / "new.bib"
    path.write_text(
        "@article{n, title={A new world model}, author={Hafner, Danijar}, "
        "journal={Test Journal}, year={2026}}"
    )
    assert run_command("import_bibtex", path)[0] == 0
    a.goto(f"{base}/feed/")
    assert a.locator("li.work").first.locator("h3").inner_text() == "A new world model"

    # A invites B.
    a.goto(f"{base}/researchers/danijar-hafner/")
    a.get_by_role("link", name="Invite to collaborate").click()
    a.get_by_label("Subject").fill("World models together")
    a.get_by_label("Message").fill("Would you like to work on this?")
    a.get_by_role("button", name="Send invitation").click()
    a.wait_for_url("**/conversations/*/")
    conversation = a.url

    # B accepts; they exchange a message each.
    b = log_in(browser, base, "danijar@example.org")
    b.goto(f"{base}/notifications/")
    b.get_by_role(
        "link", name="Ana Reader invites you to collaborate: World models together"
    ).click()
    b.get_by_role("button", name="Accept and open the conversation").click()
    b.get_by_label("Your message").fill("Gladly: next week?")
    b.get_by_role("button", name="Send").click()
    a.goto(conversation)
    assert "Gladly: next week?" in a.locator("main").inner_text()
    a.get_by_label("Your message").fill("Tuesday, then.")
    a.get_by_role("button", name="Send").click()
    b.reload()
    text = b.locator("main").inner_text()
    assert "Gladly: next week?" in text and "Tuesday, then." in text
    assert "ana@example.org" not in b.content()
