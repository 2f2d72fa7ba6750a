# The report and its claims (tests/test_claims.c, tests/test_report.c): both
# build synthetic run directories with the test kit (tests/fixture.h) and run
# `evbench summarize` and `evbench report` on them.
evb_test(test_claims TIMEOUT 60 LABELS harness)
add_dependencies(test_claims evbench)
evb_test(test_report TIMEOUT 60 LABELS harness)
add_dependencies(test_report evbench)
# `evbench report HOST --beside VM` (tests/test_report_beside.c): a host run
# with its 100,000 seed cells skipped beside a VM run that measured them.
evb_test(test_report_beside TIMEOUT 60 LABELS harness)
add_dependencies(test_report_beside evbench)
# A hostile run directory (tests/test_hostile.c): labels and a run_id that
# hold gnuplot code, HTML and Markdown go through plot, report and compare;
# nothing runs, and the outputs show them escaped.
evb_test(test_hostile TIMEOUT 300 LABELS harness)
add_dependencies(test_hostile evbench)
# Every claim driven to each of its three outcomes (tests/test_claims_outcomes.c).
evb_test(test_claims_outcomes TIMEOUT 60 LABELS harness)
add_dependencies(test_claims_outcomes evbench)
# The report's first screen (tests/test_report_first.c): the identity line,
# the key results (the fastest and slowest of each family's headline cell),
# the compact claims table with a details element per claim.
evb_test(test_report_first TIMEOUT 60 LABELS harness)
add_dependencies(test_report_first evbench)
# Extreme run directories (tests/test_extreme.c): numbers such as 1e308, nan
# and 20-digit integers in every numeric field, 10 kB labels, escape
# sequences in labels and env.csv, script in figures; report and compare
# exit cleanly and print nothing a terminal would act on.
evb_test(test_extreme TIMEOUT 600 LABELS harness)
add_dependencies(test_extreme evbench)
# Names in a run directory that point elsewhere (tests/test_hostile_fs.c):
# links where plot, report and summarize write, a results.csv that is a
# link, a FIFO or /dev/zero, --out a directory others may write, --resume
# with a driver option evbench never writes.
evb_test(test_hostile_fs TIMEOUT 240 LABELS harness)
add_dependencies(test_hostile_fs evbench fake_driver)
