# Summary, compare and the run readers, on synthetic run directories
# (statsfix.c), and a fuzz test of the three commands that read a run.
foreach(name test_summary test_compare test_compare_nway test_fuzz)
  evb_test(${name} TIMEOUT 120 LABELS harness)
  target_sources(${name} PRIVATE statsfix.c)
  add_dependencies(${name} evbench)
endforeach()

# The precision judgement itself, linked in (harness/precision.c).
evb_test(test_precision LABELS unit)
target_sources(test_precision PRIVATE ${CMAKE_SOURCE_DIR}/harness/precision.c)
target_include_directories(test_precision PRIVATE ${CMAKE_SOURCE_DIR}/harness)

# The claims' interval of a ratio of medians and its coverage, simulated.
evb_test(test_ratio_ci TIMEOUT 120 LABELS unit)
