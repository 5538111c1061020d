"""digest: a dated, bilingual (Portuguese + English) daily briefing from news articles."""

__version__ = "0.1.0"
