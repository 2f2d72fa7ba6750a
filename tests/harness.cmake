# Harness tests: fake drivers for failure handling, and a real smoke run.
evb_test(test_harness TIMEOUT 400 LABELS harness)
add_dependencies(test_harness fake_driver evbench evb-notify)
# Resume, locks, adaptive repetitions; interrupted stages, a full disk.
foreach(t test_run test_run_stages)
  evb_test(${t} TIMEOUT 300 LABELS harness)
  target_sources(${t} PRIVATE test_run_util.c)
  add_dependencies(${t} fake_driver evbench)
endforeach()
