# The timer family's driver test (tests/test_timer.c): every mechanism on a
# tiny run, counts and stalls checked, bad input.
evb_test(test_timer TIMEOUT 300 LABELS driver)
add_dependencies(test_timer evb-timer)
