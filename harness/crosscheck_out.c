/* crosscheck_out.c - the cross-check's rows as crosscheck.csv, and where it goes. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crosscheck.h"
#include "rundir_fs.h"
#include "evb_config.h"
#include "evb_csv.h"
#include "evb_row.h"

static int write_csv(FILE *f, const struct xc_result *x, size_t n, const char *checked_at)
{
	fprintf(f, "cell,family,mechanism,variant,mode,ipc,placement,fd_type,nfds,active,"
		   "period_ns,n_small,n_large,t_small_s,t_large_s,slope_ns_per_op,"
		   "inprocess_ns_per_op,inprocess_figure,ratio,agrees,status,reason,checked_at,"
		   "evbench_commit\n");
	for (size_t i = 0; i < n; i++) {
		const struct evb_row *a = &x[i].c->axes;
		char nums[3][32];

		snprintf(nums[0], 32, "%lld", (long long)a->nfds);
		snprintf(nums[1], 32, "%lld", (long long)a->active);
		snprintf(nums[2], 32, "%lld", (long long)a->period_ns);
		const char *fields[] = { x[i].cell, a->family, a->mechanism, a->variant, a->mode,
					 a->ipc, a->placement, a->fd_type,
					 a->nfds == EVB_NA ? "" : nums[0],
					 a->active == EVB_NA ? "" : nums[1],
					 a->period_ns == EVB_NA ? "" : nums[2] };

		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			evb_csv_field(f, fields[k]);
			fputc(',', f);
		}
		fprintf(f, "%lld,%lld", (long long)x[i].n_small, (long long)x[i].n_large);
		if (!strcmp(x[i].status, "ok"))
			fprintf(f, ",%.6f,%.6f,%.1f,%.1f,%s,%.3f,%s", x[i].t_small_s, x[i].t_large_s,
				x[i].slope_ns, x[i].inprocess_ns, x[i].inprocess_figure, x[i].ratio,
				fabs(x[i].ratio - 1.0) <= AGREE_WITHIN ? "yes" : "NO (> 15%)");
		else
			fputs(",,,,,,,", f);
		fprintf(f, ",%s,", x[i].status);
		evb_csv_field(f, x[i].reason);
		fprintf(f, ",%s,", checked_at);
		evb_csv_field(f, EVB_GIT_COMMIT);
		fputc('\n', f);
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}

/* crosscheck, or crosscheck-<UTC time>[-N] when the run already has a check. */
void xc_output_stem(const char *run_dir, char *stem, size_t len, char *checked_at,
			size_t at_len)
{
	char path[PATH_MAX], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(checked_at, at_len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(stem, len, "crosscheck");
	for (int k = 1; k < 1000; k++) {
		snprintf(path, sizeof(path), "%s/%s.csv", run_dir, stem);
		if (access(path, F_OK))
			return;
		snprintf(stem, len, k == 1 ? "crosscheck-%s" : "crosscheck-%s-%d", stamp, k);
	}
}

int xc_write_file(const char *path, const struct xc_result *x, size_t n,
		      const char *checked_at, char *error, size_t len)
{
	struct harness_tmp tmp;
	int ret = harness_rundir_create_tmp_at(&tmp, path, error, len);

	if (ret)
		return ret;
	ret = write_csv(tmp.f, x, n, checked_at);
	if (ret) {
		harness_rundir_discard(&tmp);
		snprintf(error, len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = harness_rundir_commit(&tmp, error, len);
	if (ret)
		snprintf(error, len, "%s: %s", path, strerror(-ret));
	return ret;
}
