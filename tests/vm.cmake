# evbench vm (tests/test_vm.sh): bad input, a kernel that is not there, a
# boot that runs out of time, and one Debian cloud kernel booted under tcg
# running a tiny notify run.  Exit 77 (skipped, with the reason) where qemu,
# busybox-static or the kernel package cannot be had.
add_test(NAME test_vm COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_vm.sh
         ${CMAKE_RUNTIME_OUTPUT_DIRECTORY} ${EVB_SANITIZE})
set_tests_properties(test_vm PROPERTIES TIMEOUT 300 LABELS vm SKIP_RETURN_CODE 77)
# evbench vm's host side with a fake qemu and apt-get playing the guest
# (tests/test_vm_host.sh): hostile archives make damaged run directories,
# console text loses its escapes and is capped, a killed evbench vm leaves no
# qemu, untrusted caches and bad kernel names are refused.
add_test(NAME test_vm_host COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_vm_host.sh
         ${CMAKE_RUNTIME_OUTPUT_DIRECTORY})
set_tests_properties(test_vm_host PROPERTIES TIMEOUT 180 LABELS vm SKIP_RETURN_CODE 77)
