# evb-serve's load generator: what the mechanisms' tiny cells leave out
# (partial messages, the accept-ahead limit, Poisson spacing), and its
# capacity search (--mode capacity, --slo-ns, a rate in %).
evb_test(test_serve_client TIMEOUT 120 LABELS driver)
add_dependencies(test_serve_client evb-serve)
evb_test(test_serve_capacity TIMEOUT 180 LABELS driver)
add_dependencies(test_serve_capacity evb-serve)
