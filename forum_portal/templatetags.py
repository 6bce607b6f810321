"""Template filters every app's templates can use without ``{% load %}`` (settings' builtins)."""

from django import template

from forum_portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)
