# evb-serve: every mechanism on a tiny cell (counts), open loop, bad input,
# the limits, and coordinated omission.
evb_test(test_serve TIMEOUT 120 LABELS driver)
add_dependencies(test_serve evb-serve)
