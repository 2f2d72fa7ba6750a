# Harness tests: fake drivers for failure handling, and a real smoke run.
evb_test(test_harness TIMEOUT 400 LABELS harness)
add_dependencies(test_harness fake_driver evbench evb-notify)
