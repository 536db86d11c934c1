"""Dashboards: panels, query counts, the API twin and browser journeys."""
