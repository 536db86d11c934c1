"""Browser-test fixtures (Playwright with Debian's Chromium)."""
