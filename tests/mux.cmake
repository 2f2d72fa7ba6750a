# evb-mux: the generic mechanism walk (counts, skipped rows, fd limits, usage).
evb_test(test_mux TIMEOUT 300 LABELS driver)
add_dependencies(test_mux evb-mux)
