"""OSDI 1.1 (Open Supporter Data Interface): the logic behind ``/osdi/v1``.

``hal`` renders resources and pages, ``query`` parses filters and pages, ``reads`` serves
the collections, ``helpers`` records signatures and sign-ups through the native services.
"""
