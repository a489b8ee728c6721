"""`field__any_of=queryset`: the rows whose field is one of the subquery's values, as
`__in` gives them, planned differently on PostgreSQL.

PostgreSQL plans `id IN (subquery)` as a join. For a few hundred matches among a few
thousand rows it then reads the whole table to hash it: with its default costs
(random_page_cost 4) a look-up per match along the index seems dearer. `id =
ANY(ARRAY(subquery))` works the subquery out first, and the rows are looked up along
the index. National staff's volunteer search for "jansen" (166 of 5,000 volunteers),
in `EXPLAIN ANALYZE`: its count 3.8 to 1.8 ms, its page 6.1 to 2.7 ms
(bench/bench_scale.py, docs/scale.md). Other databases get `IN (subquery)`.

Registered on every field when this module is imported (`PortalConfig.ready`).
"""

from __future__ import annotations

from django.db.models import Field, ForeignObject, Lookup


@ForeignObject.register_lookup  # a foreign key's own lookups are kept apart
@Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        from django.db.models.sql.query import Query

        if not isinstance(self.rhs, Query):
            raise ValueError("any_of takes a queryset; for a list of values use __in.")
        # As `__in` does: the order of a subquery's rows changes nothing here.
        self.rhs.clear_ordering(clear_default=True)
        if not self.rhs.has_select_fields:
            self.rhs.clear_select_clause()
            self.rhs.add_fields(["pk"])
        return self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)
