# Harness tests: fake drivers for failure handling, and a real smoke run.
evb_test(test_harness TIMEOUT 400 LABELS harness)
add_dependencies(test_harness fake_driver evbench evb-notify)
# The dry run's plan: --timeout-scale, the largest cell's memory.
evb_test(test_plan_dry TIMEOUT 120 LABELS harness)
add_dependencies(test_plan_dry evbench evb-notify evb-mux evb-serve)
# evbench run, a test file per part: resume, the machine lock, adaptive
# repetitions, interrupted stages and a full disk, exit status and a driver
# that hangs, interleaved rounds; and `evbench crosscheck`.
foreach(t test_run_resume test_rundir_lock test_run_adaptive test_run_stages test_run_status test_run_rounds
    test_crosscheck)
  evb_test(${t} TIMEOUT 300 LABELS harness)
  add_dependencies(${t} fake_driver evbench)
endforeach()
# The smoke profile under a 64-character host name, in the default directory
# (skipped where no UTS namespace can be made).
add_test(NAME test_long_host COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_long_host.sh
         ${CMAKE_RUNTIME_OUTPUT_DIRECTORY})
set_tests_properties(test_long_host PROPERTIES TIMEOUT 300 LABELS harness SKIP_RETURN_CODE 77)
