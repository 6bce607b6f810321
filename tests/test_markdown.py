from forum_portal.markdown import render_markdown


def test_headings_lists_and_links_get_govuk_classes():
    html = render_markdown("# Title\n\nSome *text*.\n\n- one\n- two\n\n[Guide](https://example.org/guide)")
    assert '<h2 class="govuk-heading-m">Title</h2>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert 'class="govuk-link"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "<h1" not in html


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(2)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_javascript_links_are_dropped():
    html = render_markdown("[click](javascript:alert(1))")
    assert "javascript:" not in html


def test_quotes_still_work():
    assert '<blockquote class="govuk-inset-text">' in render_markdown("> what a parent said")


def test_empty_text_is_empty():
    assert render_markdown("") == ""
