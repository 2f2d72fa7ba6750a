/* evb_env.c - environment capture; see evb_env.h for what and why. */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "evb_config.h"
#include "evb_csv.h"
#include "evb_env.h"
#include "evb_uring.h"
#include "evb_placement.h"
#include "evb_sb.h"
#include "evb_sys.h"
#include "evb_topology.h"

/* A one-line file as a key's value, or "unavailable". */
static void set_file(struct evb_env *env, const char *key, const char *path)
{
	char line[1024];

	if (evb_read_line(path, line, sizeof(line)) == 0 && line[0])
		evb_env_set(env, key, "%s", line);
	else
		evb_env_set(env, key, EVB_ENV_UNAVAILABLE);
}

/* Value of "name : value" in /proc/cpuinfo's first processor. */
static int cpuinfo_field(const char *name, char *out, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || strncmp(line, name, strlen(name)) != 0)
			continue;
		colon++;
		while (*colon == ' ')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(out, len, "%s", colon);
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

/* "on" options of the running kernel's config, from /proc/config.gz or /boot. */
static int kernel_config_has(const char *release, const char *option)
{
	char path[256], line[512];
	size_t optlen = strlen(option);
	gzFile gz = gzopen("/proc/config.gz", "r");
	int found = 0;

	if (!gz) {
		snprintf(path, sizeof(path), "/boot/config-%s", release);
		gz = gzopen(path, "r");   /* reads plain files too */
	}
	if (!gz)
		return -ENOENT;
	while (gzgets(gz, line, sizeof(line))) {
		if (strncmp(line, option, optlen) == 0 && line[optlen] == '=' &&
		    (line[optlen + 1] == 'y' || line[optlen + 1] == 'm')) {
			found = 1;
			break;
		}
	}
	gzclose(gz);
	return found;
}

static void capture_kernel(struct evb_env *env)
{
	struct utsname uts;
	char line[4096];

	if (uname(&uts) == 0) {
		evb_env_set(env, "hostname", "%s", uts.nodename);
		evb_env_set(env, "kernel_release", "%s", uts.release);
		evb_env_set(env, "kernel_version", "%s", uts.version);
		evb_env_set(env, "machine", "%s", uts.machine);
	}
	set_file(env, "kernel_cmdline", "/proc/cmdline");

	/* Preemption model: the dynamic setting when debugfs shows it,
	 * otherwise what the version string says. */
	if (evb_read_line("/sys/kernel/debug/sched/preempt", line, sizeof(line)) == 0 &&
	    line[0]) {
		evb_env_set(env, "preempt_model", "%s", line);
	} else {
		const char *v = uts.version;
		const char *model = strstr(v, "PREEMPT_RT") ? "PREEMPT_RT"
				  : strstr(v, "PREEMPT_DYNAMIC") ? "PREEMPT_DYNAMIC (mode not readable)"
				  : strstr(v, "PREEMPT") ? "PREEMPT" : "none/voluntary";
		evb_env_set(env, "preempt_model", "%s", model);
	}

	static const char *const debug_options[] = {
		"CONFIG_KASAN", "CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_LOCKDEP",
		"CONFIG_LOCKDEP", "CONFIG_DEBUG_PAGEALLOC", "CONFIG_KCSAN", "CONFIG_UBSAN",
		"CONFIG_DEBUG_ATOMIC_SLEEP", NULL,
	};
	char debug[512];
	struct evb_sb sb;
	int readable = 1;

	evb_sb_init(&sb, debug, sizeof(debug));

	for (int i = 0; debug_options[i]; i++) {
		int on = kernel_config_has(uts.release, debug_options[i]);

		if (on < 0) {
			readable = 0;
			break;
		}
		if (on)
			evb_sb_printf(&sb, "%s%s", sb.used ? " " : "", debug_options[i]);
	}
	evb_env_set(env, "kernel_debug_options", "%s",
		    !readable ? EVB_ENV_UNAVAILABLE : sb.used ? debug : "none");
	if (readable && sb.used)
		evb_env_warn(env, "debug kernel (%s): timings are slower than production", debug);
	if (readable)
		evb_env_set(env, "kernel_hz", "%s",
			    kernel_config_has(uts.release, "CONFIG_HZ_1000") == 1 ? "1000"
			    : kernel_config_has(uts.release, "CONFIG_HZ_300") == 1 ? "300"
			    : kernel_config_has(uts.release, "CONFIG_HZ_250") == 1 ? "250"
			    : kernel_config_has(uts.release, "CONFIG_HZ_100") == 1 ? "100"
			    : EVB_ENV_UNAVAILABLE);
	else
		evb_env_set(env, "kernel_hz", EVB_ENV_UNAVAILABLE);
	if (readable)
		evb_env_set(env, "nohz_full_built", "%s",
			    kernel_config_has(uts.release, "CONFIG_NO_HZ_FULL") == 1 ? "yes" : "no");
}

static void capture_cpu(struct evb_env *env)
{
	char line[1024], topology[4096];
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpuinfo_field("model name", line, sizeof(line)) == 0)
		evb_env_set(env, "cpu_model", "%s", line);
	else
		evb_env_set(env, "cpu_model", EVB_ENV_UNAVAILABLE);
	evb_env_set(env, "cpus_online", "%ld", online);
	set_file(env, "cpus_online_list", "/sys/devices/system/cpu/online");
	evb_env_set(env, "cpus_usable", "%d", evb_usable_cpus());
	set_file(env, "smt_active", "/sys/devices/system/cpu/smt/active");
	if (evb_topology_describe(EVB_SYSFS_ROOT, topology, sizeof(topology)) == 0)
		evb_env_set(env, "cpu_topology", "%s", topology);
	else
		evb_env_set(env, "cpu_topology", EVB_ENV_UNAVAILABLE);
	set_file(env, "clocksource",
		 "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	set_file(env, "governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	set_file(env, "cpufreq_driver", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_driver");
	set_file(env, "cpuidle_driver", "/sys/devices/system/cpu/cpuidle/current_driver");
	set_file(env, "cpuidle_governor", "/sys/devices/system/cpu/cpuidle/current_governor_ro");
	set_file(env, "isolated_cpus", "/sys/devices/system/cpu/isolated");
	set_file(env, "nohz_full", "/sys/devices/system/cpu/nohz_full");

	const char *governor = evb_env_get(env, "governor");

	if (governor && strcmp(governor, EVB_ENV_UNAVAILABLE) != 0 &&
	    strcmp(governor, "performance") != 0)
		evb_env_warn(env, "cpufreq governor is '%s', not 'performance': "
			     "frequency changes add noise", governor);
	const char *clocksource = evb_env_get(env, "clocksource");

	if (clocksource && strcmp(clocksource, "tsc") != 0 &&
	    strcmp(clocksource, EVB_ENV_UNAVAILABLE) != 0)
		evb_env_warn(env, "clocksource is '%s', not tsc: clock reads may be syscalls",
			     clocksource);

	/* Hypervisor: the cpuid flag, and which one when sysfs or cpuinfo say. */
	char flags[4096] = "";
	int hypervisor = cpuinfo_field("flags", flags, sizeof(flags)) == 0 &&
			 strstr(flags, " hypervisor") != NULL;

	if (evb_read_line("/sys/hypervisor/type", line, sizeof(line)) == 0 && line[0])
		evb_env_set(env, "virtualization", "%s", line);
	else
		evb_env_set(env, "virtualization", "%s",
			    hypervisor ? "vm (cpuid hypervisor flag)" : "none detected");
	if (hypervisor)
		evb_env_warn(env, "running in a virtual machine: vCPU preemption by the host "
			     "shows up as latency spikes");
}

static void capture_mitigations(struct evb_env *env)
{
	glob_t g;
	char summary[4096];
	struct evb_sb sb;
	int affected = 0;

	evb_sb_init(&sb, summary, sizeof(summary));

	if (glob("/sys/devices/system/cpu/vulnerabilities/*", 0, NULL, &g) != 0) {
		evb_env_set(env, "mitigations", EVB_ENV_UNAVAILABLE);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char line[512];
		const char *name = strrchr(g.gl_pathv[i], '/') + 1;

		if (evb_read_line(g.gl_pathv[i], line, sizeof(line)) || !line[0])
			continue;
		if (strncmp(line, "Not affected", 12) == 0)
			continue;
		affected++;
		evb_sb_printf(&sb, "%s%s: %s", sb.used ? "; " : "", name, line);
	}
	globfree(&g);
	evb_env_set(env, "mitigations", "%s", affected ? summary : "none needed");
}

static void capture_limits(struct evb_env *env)
{
	int64_t soft, hard, value;
	struct rlimit sigpending;
	char line[256];

	evb_nofile_get(&soft, &hard);
	evb_env_set(env, "rlimit_nofile_soft", "%lld", (long long)soft);
	evb_env_set(env, "rlimit_nofile_hard", "%lld", (long long)hard);
	set_file(env, "nr_open", "/proc/sys/fs/nr_open");
	set_file(env, "file_max", "/proc/sys/fs/file-max");
	if (getrlimit(RLIMIT_SIGPENDING, &sigpending) == 0)
		evb_env_set(env, "rlimit_sigpending", "%llu",
			    (unsigned long long)sigpending.rlim_cur);
	set_file(env, "epoll_max_user_watches", "/proc/sys/fs/epoll/max_user_watches");

	if (evb_read_i64("/proc/sys/kernel/io_uring_disabled", &value) == 0)
		evb_env_set(env, "io_uring_disabled", "%lld", (long long)value);
	else
		evb_env_set(env, "io_uring_disabled", "%s",
			    access("/proc/sys/kernel", F_OK) == 0 ? "0 (no sysctl: not disableable)"
								  : EVB_ENV_UNAVAILABLE);

	/* Timer slack of this process, inherited by the drivers. */
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

	if (slack >= 0)
		evb_env_set(env, "timer_slack_ns", "%d", slack);
	else
		evb_env_set(env, "timer_slack_ns", EVB_ENV_UNAVAILABLE);

	/* /dev/cpu_dma_latency holds a binary int32 (µs); reading it is harmless. */
	FILE *f = fopen("/dev/cpu_dma_latency", "rb");
	int32_t dma = 0;

	if (f && fread(&dma, sizeof(dma), 1, f) == 1)
		evb_env_set(env, "cpu_dma_latency_us", "%d", dma);
	else
		evb_env_set(env, "cpu_dma_latency_us", EVB_ENV_UNAVAILABLE);
	if (f)
		fclose(f);

	if (evb_read_line("/proc/loadavg", line, sizeof(line)) == 0) {
		double load1 = 0.0;

		evb_env_set(env, "loadavg", "%s", line);
		if (sscanf(line, "%lf", &load1) == 1 &&
		    load1 > 0.5 * (double)evb_usable_cpus())
			evb_env_warn(env, "1-minute load average %.2f on %d usable CPUs: "
				     "other work competes for the CPUs", load1,
				     evb_usable_cpus());
	} else {
		evb_env_set(env, "loadavg", EVB_ENV_UNAVAILABLE);
	}
	char ops[1024], features[512];

	if (evb_uring_describe(ops, sizeof(ops), features, sizeof(features)) == 0) {
		evb_env_set(env, "io_uring_ops", "%s", ops);
		evb_env_set(env, "io_uring_features", "%s", features);
	} else {
		evb_env_set(env, "io_uring_ops", EVB_ENV_UNAVAILABLE);
		evb_env_set(env, "io_uring_features", EVB_ENV_UNAVAILABLE);
	}
	set_file(env, "thp", "/sys/kernel/mm/transparent_hugepage/enabled");
	set_file(env, "sched_rt_runtime_us", "/proc/sys/kernel/sched_rt_runtime_us");
}

static void capture_build(struct evb_env *env)
{
	evb_env_set(env, "evbench_version", "%s", EVB_VERSION);
	evb_env_set(env, "evbench_commit", "%s", EVB_GIT_COMMIT);
	evb_env_set(env, "compiler", "%s", EVB_COMPILER);
	evb_env_set(env, "cflags", "%s", EVB_CFLAGS);
	evb_env_set(env, "build_type", "%s", EVB_BUILD_TYPE);
	evb_env_set(env, "liburing", "%s",
		    EVB_HAVE_LIBURING ? EVB_LIBURING_VERSION : "not built in");
	evb_env_set(env, "page_size", "%ld", sysconf(_SC_PAGESIZE));
}

int evb_env_capture(struct evb_env *env)
{
	memset(env, 0, sizeof(*env));
	capture_kernel(env);
	capture_cpu(env);
	capture_mitigations(env);
	capture_limits(env);
	capture_build(env);
	return 0;
}
