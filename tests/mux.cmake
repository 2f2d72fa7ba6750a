# evb-mux: the generic mechanism walk (counts, skipped rows, fd limits, usage).
evb_test(test_mux TIMEOUT 300 LABELS driver)
add_dependencies(test_mux evb-mux)
# evb-mux's own checks: counts decide the status, --maxevents, memory, usage.
evb_test(test_mux_checks TIMEOUT 180 LABELS driver)
add_dependencies(test_mux_checks evb-mux)
