# evbench bundle: packed, unpacked elsewhere and run with nothing of the build
# tree in its environment.
add_test(NAME test_bundle COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_bundle.sh
         ${CMAKE_RUNTIME_OUTPUT_DIRECTORY})
set_tests_properties(test_bundle PROPERTIES TIMEOUT 120 LABELS harness)

# Archives from a guest or a fleet host (scripts/evbench-safe.sh): only files
# and directories, refused before unpacking otherwise.
add_test(NAME test_untar COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_untar.sh
         ${CMAKE_SOURCE_DIR})
set_tests_properties(test_untar PROPERTIES TIMEOUT 60 LABELS harness SKIP_RETURN_CODE 77)

# fleet/evbench.yml on this machine under three names, through the bundle.  The
# playbook is the same whatever the build, so the sanitizer build (whose
# bundle test_bundle already runs) leaves it to the Release one.
if(NOT EVB_SANITIZE)
  add_test(NAME test_fleet COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_fleet.sh
           ${CMAKE_RUNTIME_OUTPUT_DIRECTORY} ${CMAKE_SOURCE_DIR})
  set_tests_properties(test_fleet PROPERTIES TIMEOUT 300 LABELS harness SKIP_RETURN_CODE 77)
endif()
