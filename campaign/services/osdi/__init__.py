"""OSDI 1.1 (Open Supporter Data Interface): the logic behind ``/osdi/v1``.

``query`` parses filters and pages, ``reads`` and ``advocacy`` serve the collections as
rows (``campaign.api.osdi.hal`` renders them), ``helpers`` records signatures and sign-ups
through the native services.
"""
