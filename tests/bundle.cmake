# evbench bundle: packed, unpacked elsewhere and run with nothing of the build
# tree in its environment.
add_test(NAME test_bundle COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_bundle.sh
         ${CMAKE_RUNTIME_OUTPUT_DIRECTORY})
set_tests_properties(test_bundle PROPERTIES TIMEOUT 120 LABELS harness)
