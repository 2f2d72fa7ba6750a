# The families evbench knows, in run order: the one list the build and the
# harness read.  A family <f> has its driver in drivers/<f>/ and its harness
# files in harness/<f>/: family_<f>.c, plan_<f>.c, figures_<f>.c,
# report_<f>.c and claims_<f>.c (docs/extending.md, "Adding a family").
set(EVB_FAMILIES notify mux timer serve)
