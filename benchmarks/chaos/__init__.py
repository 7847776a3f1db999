"""The fault campaign (`make chaos`): seeded runs of a pool lifecycle under faults and kills.

Each run buys three pools at once (two of them with identical inputs), refreshes them, changes
them in place (connection_id everywhere, a top-up for one pool, a shrink for another) and
destroys them, against a sandbox that injects random faults of every kind, while the provider
process may be killed mid-step and the sandbox server restarted. A step that fails is re-run
without faults until it succeeds (at most `MAX_CLEAN_RERUNS` times). Afterwards the sandbox's
own database is audited: orders bought against those intended, duplicates, orphans, numbers
lost or released unasked, and whether each failure was a clear error or a crash.

`plan` draws a run from its seed, `scenario` runs it, `accounting` audits it, `campaign` runs
many in parallel, `report` prints and writes the table.
"""
