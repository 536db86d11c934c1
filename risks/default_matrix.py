"""The 5 × 5 matrix a new installation starts with (the planning department changes it)."""

LIKELIHOOD = [
    {"label": "Rare", "description": "Less than 5 % a year; no known case in the industry."},
    {"label": "Unlikely", "description": "5–20 % a year; has happened elsewhere."},
    {"label": "Possible", "description": "20–50 % a year; has happened to us before."},
    {"label": "Likely", "description": "50–80 % a year; expected in most years."},
    {"label": "Almost certain", "description": "More than 80 % a year."},
]
IMPACT = [
    {"label": "Negligible", "description": "Under 0.1 million CNY; no effect on goals."},
    {"label": "Minor", "description": "0.1–1 million CNY; a goal slips within its period."},
    {"label": "Moderate", "description": "1–5 million CNY; one goal missed."},
    {"label": "Major", "description": "5–20 million CNY; several goals missed, reputation."},
    {"label": "Severe", "description": "Over 20 million CNY; the annual plan fails, legal."},
]
# one row per likelihood level (lowest first), one level per impact level (lowest first)
CELLS = [
    ["low", "low", "low", "medium", "medium"],
    ["low", "low", "medium", "medium", "high"],
    ["low", "medium", "medium", "high", "high"],
    ["medium", "medium", "high", "high", "critical"],
    ["medium", "high", "high", "critical", "critical"],
]
COLOURS = {"low": "#2e9d5b", "medium": "#e7b416", "high": "#e67e22", "critical": "#c0392b"}
