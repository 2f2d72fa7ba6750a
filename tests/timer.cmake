# The timer family's driver test (tests/test_timer.c): every mechanism on a
# tiny run, counts and stalls checked, bad input.
evb_test(test_timer TIMEOUT 300 LABELS driver)
add_dependencies(test_timer evb-timer)
# Its other rows (hist file, counts that do not add up, timeout, skipped
# rows) and its command line (tests/test_timer_cli.c).
evb_test(test_timer_cli TIMEOUT 120 LABELS driver)
add_dependencies(test_timer_cli evb-timer)
