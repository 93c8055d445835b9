from graph.services import slice_build
from profiles.models import Researcher
from tests.e2e.conftest import wait_until


def test_the_graph_fills_in_without_a_reload_and_the_explorer_opens_in_place(page, pending_site):
    page.goto(f"{pending_site.url}/researchers/timothy-lillicrap/")
    section = page.locator("#graph-section")
    assert "Building this graph slice" in section.inner_text()
    page.evaluate("window.__marker = 'same page'")

    lillicrap = Researcher.objects.get(slug="timothy-lillicrap")
    slice_build(researcher_id=lillicrap.pk)  # what the worker does

    page.get_by_text("Close collaborators (0)").wait_for(timeout=15_000)
    assert page.evaluate("window.__marker") == "same page"
    wait_until(page, "window.bzpeerGraph && window.bzpeerGraph.mini")

    page.get_by_role("link", name="Open full explorer").click()
    wait_until(page, "window.bzpeerGraph.explorer")
    assert page.url.endswith("/researchers/timothy-lillicrap/graph/#graph-heading")
    assert page.evaluate("window.__marker") == "same page"  # opened in place
    assert page.locator("#explorer-canvas").is_visible()

    hafner = Researcher.objects.get(slug="danijar-hafner")
    page.locator("#explorer-canvas").scroll_into_view_if_needed()
    page.wait_for_timeout(600)  # the smooth scroll settles
    point = page.evaluate(
        """(id) => {
            const cy = window.bzpeerGraph.explorer;
            const node = cy.$id(id);
            cy.center(node);
            const box = cy.container().getBoundingClientRect();
            const p = node.renderedPosition();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        f"r:{hafner.pk}",
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/researchers/danijar-hafner/")
