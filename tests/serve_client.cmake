# evb-serve's load generator: what the mechanisms' tiny cells leave out
# (partial messages, the accept-ahead limit, Poisson spacing), and its
# capacity search (--mode capacity, --slo-ns, a rate in %).
evb_test(test_serve_client TIMEOUT 120 LABELS driver)
add_dependencies(test_serve_client evb-serve)
target_include_directories(test_serve_client PRIVATE ${PROJECT_SOURCE_DIR}/drivers/serve)
evb_test(test_serve_capacity TIMEOUT 180 LABELS driver)
add_dependencies(test_serve_capacity evb-serve)
# The open loop's schedule itself (arrival.c): Poisson gaps' mean, CV and
# Kolmogorov-Smirnov distance, per seed.
evb_test(test_serve_arrival LABELS unit)
target_sources(test_serve_arrival PRIVATE ${PROJECT_SOURCE_DIR}/drivers/serve/arrival.c)
target_include_directories(test_serve_arrival PRIVATE ${PROJECT_SOURCE_DIR}/drivers/serve)
# The generator's verdicts on itself (serve.h): the send-lag bound and its
# CPU share, which of its two CPU figures decided.
evb_test(test_serve_bounds LABELS unit)
target_include_directories(test_serve_bounds PRIVATE ${PROJECT_SOURCE_DIR}/drivers/serve)
