"""Performance scenarios for pulumi-bulknumbers (issue 6), run by `make bench`.

Every scenario drives the real provider process through the engine stand-in
(`pulumi_bulknumbers.testing`) against the sandbox served on loopback with 50 ms of latency per
request, and measures a baseline (the naive way) in the same run. `scenarios/` holds one module
per family, `baselines.py` the naive ways, `harness.py` the measuring, `report.py` the table,
results.json and the README section, `runner.py` the loop, `settings.py` the sizes. `chaos/` is
a separate fault campaign (`make chaos`).
"""
