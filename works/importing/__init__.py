"""The import write path: a batch of records into works, researchers and their links.

``works.importing.batch.records_import`` is the entry point; each other module does one step.
"""
