"""Who is who: linking the authors of imported records to researchers.

``index`` holds the researchers a batch may name, ``rules`` decides who each author is (plain
functions returning a ``Decision``), ``resolver`` asks the rules in order and acts on them,
and ``journal`` keeps each decision with its reason until it is written as an
AttributionDecision.
"""
