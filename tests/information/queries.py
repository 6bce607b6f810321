"""Query counts of pages kept as cached fragments."""


def rendering_queries(queries) -> list[dict]:
    """The queries that rendered a page, leaving out the fragment cache's own and its savepoints."""
    return [
        query
        for query in queries.captured_queries
        if "portal_cache" not in query["sql"] and "SAVEPOINT" not in query["sql"]
    ]
