# The serve family's harness side: its planner, linked in directly
# (plan_serve.c against a fixed --list), and its report section and claims
# on synthetic run directories (tests/fixture_summary.c, as test_report).
evb_test(test_serve_plan TIMEOUT 30 LABELS harness)
target_sources(test_serve_plan PRIVATE ${PROJECT_SOURCE_DIR}/harness/serve/plan_serve.c
               ${PROJECT_SOURCE_DIR}/harness/serve/plan_serve_presets.c
               ${PROJECT_SOURCE_DIR}/harness/serve/claims_serve.c
               ${PROJECT_SOURCE_DIR}/harness/plan.c ${PROJECT_SOURCE_DIR}/harness/plan_uring.c)
target_include_directories(test_serve_plan PRIVATE ${PROJECT_SOURCE_DIR}/harness
                           ${PROJECT_SOURCE_DIR}/harness/serve ${CMAKE_BINARY_DIR})
evb_test(test_serve_report TIMEOUT 60 LABELS harness)
target_sources(test_serve_report PRIVATE fixture_summary.c)
add_dependencies(test_serve_report evbench)
evb_test(test_serve_curve TIMEOUT 60 LABELS harness)
target_sources(test_serve_curve PRIVATE fixture_summary.c)
add_dependencies(test_serve_curve evbench)
