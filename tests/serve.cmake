# evb-serve: every mechanism on a tiny cell (counts), open loop, bad input,
# the limits, and coordinated omission.
evb_test(test_serve TIMEOUT 120 LABELS driver)
add_dependencies(test_serve evb-serve)
target_include_directories(test_serve PRIVATE ${PROJECT_SOURCE_DIR}/drivers/serve)
# The server's side of the numbers: active connections spread over the
# table, wakeups over the measured window, the trouble counts, io_uring/poll
# reading once per CQE.
evb_test(test_serve_server TIMEOUT 240 LABELS driver)
add_dependencies(test_serve_server evb-serve)
