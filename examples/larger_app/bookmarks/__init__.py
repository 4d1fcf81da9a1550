"""Bookmarks: a small service built on wirework, wired with dependency-injector.

``deps`` names what the app needs by descriptor pattern, ``service`` holds the rules,
``handlers`` turns requests into service calls, ``main`` runs it on a config. Which
backends serve it (memory or SQLite) is decided by the config alone.
"""
