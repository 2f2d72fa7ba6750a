# Harness tests: fake drivers for failure handling, and a real smoke run.
evb_test(test_harness TIMEOUT 400 LABELS harness)
add_dependencies(test_harness fake_driver evbench evb-notify)
# The dry run's plan: --timeout-scale, the largest cell's memory.
evb_test(test_plan_dry TIMEOUT 120 LABELS harness)
add_dependencies(test_plan_dry evbench evb-notify evb-mux evb-serve)
# Resume, locks, adaptive repetitions; interrupted stages, a full disk; a
# refused or busy lock, a driver that closes its output and hangs.
foreach(t test_run test_run_stages test_run_guard)
  evb_test(${t} TIMEOUT 300 LABELS harness)
  target_sources(${t} PRIVATE test_run_util.c)
  add_dependencies(${t} fake_driver evbench)
endforeach()
