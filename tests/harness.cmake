# Harness tests: fake drivers for failure handling, and a real smoke run.
evb_test(test_harness TIMEOUT 400 LABELS harness)
add_dependencies(test_harness fake_driver evbench evb-notify)
# Resume, locks, adaptive repetitions, interrupted stages, a full disk.
evb_test(test_run TIMEOUT 600 LABELS harness)
add_dependencies(test_run fake_driver evbench)
