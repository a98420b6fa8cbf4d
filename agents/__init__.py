"""Processing stages. Each ``agents/<stage>/`` has a pure ``core`` and a thin Faust ``agent``.

Importing a stage package imports its core only, never the Faust app.
"""

__all__: list[str] = []
