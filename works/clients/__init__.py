"""Clients of the scholarly sources' APIs: HTTP only (http.py), one module a source."""
