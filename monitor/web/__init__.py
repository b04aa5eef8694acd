"""`regwatch serve`: a web page, Atom feeds and a JSON API for what changed.

`monitor.web.app.create_app` builds the app; this package stays light to import so that the
CLI, which registers `serve` from `monitor.web.cli`, starts fast.
"""
