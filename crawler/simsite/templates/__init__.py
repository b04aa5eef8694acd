"""Jinja templates of the simulated site (a package so that they ship as package data)."""
