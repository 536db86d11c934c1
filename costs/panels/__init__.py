"""Dashboard panels of this app, one module per dashboard (see opsplan.dashboards)."""
