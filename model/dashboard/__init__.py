"""The policymakers' dashboard (Solara).

Levers from the schema, a steppable district, compare mode.
"""
