# Summary, compare and the run readers, on synthetic run directories
# (tests/fixture.h), and a fuzz test of the three commands that read a run.
foreach(name test_summary test_compare test_compare_detect test_compare_rounds test_compare_nway test_fuzz)
  evb_test(${name} TIMEOUT 120 LABELS harness)
  add_dependencies(${name} evbench)
endforeach()

# The precision judgement itself, linked in (harness/precision.c).
evb_test(test_precision LABELS unit)
target_sources(test_precision PRIVATE ${CMAKE_SOURCE_DIR}/harness/precision.c
  ${CMAKE_SOURCE_DIR}/harness/precision_looks.c)
target_include_directories(test_precision PRIVATE ${CMAKE_SOURCE_DIR}/harness)

# Optional stopping, measured: the adaptive rule's coverage on synthetic
# repetitions (fewer simulated cells under the sanitizers).
evb_test(test_stopping LABELS unit)
target_sources(test_stopping PRIVATE ${CMAKE_SOURCE_DIR}/harness/precision.c
  ${CMAKE_SOURCE_DIR}/harness/precision_looks.c)
target_include_directories(test_stopping PRIVATE ${CMAKE_SOURCE_DIR}/harness)
if(EVB_SANITIZE)
  target_compile_definitions(test_stopping PRIVATE STOPPING_CELLS=4000)
endif()

# A K-times-slower copy of a run directory (scale_run SRC DST K), for
# checking compare's detectable_ratio against a real second run.
add_executable(scale_run scale_run.c)
target_link_libraries(scale_run PRIVATE evb)
set_target_properties(scale_run PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_dependencies(test_compare scale_run)

# The claims' interval of a ratio of medians and its coverage, simulated.
evb_test(test_ratio_ci TIMEOUT 120 LABELS unit)

# The level of compare's test within rounds when every boot has an effect of
# its own (harness/compare_blocked.c, linked in), simulated.
evb_test(test_compare_boots LABELS unit)
target_sources(test_compare_boots PRIVATE ${CMAKE_SOURCE_DIR}/harness/compare_blocked.c)
target_include_directories(test_compare_boots PRIVATE ${CMAKE_SOURCE_DIR}/harness)
