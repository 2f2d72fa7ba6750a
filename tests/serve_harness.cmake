# The serve family's harness side: its planner, linked in directly
# (plan_serve.c against a fixed --list: tests/serve_plan_util.c; the
# standard profile's cells in test_serve_plan_standard), and its report
# section and claims
# on synthetic run directories (tests/fixture.h, as test_report).
foreach(t test_serve_plan test_serve_plan_standard)
  evb_test(${t} TIMEOUT 30 LABELS harness)
  target_sources(${t} PRIVATE serve_plan_util.c ${PROJECT_SOURCE_DIR}/harness/serve/plan_serve.c
                 ${PROJECT_SOURCE_DIR}/harness/serve/plan_serve_presets.c
                 ${PROJECT_SOURCE_DIR}/harness/serve/claims_serve.c
                 ${PROJECT_SOURCE_DIR}/harness/plan.c ${PROJECT_SOURCE_DIR}/harness/plan_uring.c)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/harness
                             ${PROJECT_SOURCE_DIR}/harness/serve ${CMAKE_BINARY_DIR})
endforeach()
evb_test(test_serve_report TIMEOUT 60 LABELS harness)
add_dependencies(test_serve_report evbench)
evb_test(test_serve_curve TIMEOUT 60 LABELS harness)
add_dependencies(test_serve_curve evbench)
