"""The Jinja2 templates of the briefing, installed as the package data `digest.templates`."""
