/*
 * `evbench vm`: compare kernels by booting each under QEMU and running
 * `evbench run` inside it.  This file checks the options (a bad one exits 2
 * naming it) and hands them, normalised, to scripts/evbench-vm.sh, which
 * fetches the kernels, builds the initramfs, boots and brings the run
 * directories back; the work is a pipeline of tools (apt-get, dpkg-deb,
 * cpio, qemu), which a shell script says more plainly than C would.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_config.h"
#include "harness.h"

#define VM_PROG HARNESS_PROG " vm"
#define VM_MAX_KERNELS 16
#define VM_MAX_RUN_ARGS 64

static const char *const vm_accel_names[] = { "auto", "kvm", "tcg", NULL };

struct vm_opts {
	const char *kernels[VM_MAX_KERNELS];
	int nkernels;
	int accel;
	int64_t cpus;
	int64_t memory_mb;
	int64_t timeout_s;
	int64_t rounds;
	const char *out;
};

static void vm_usage(void)
{
	printf("Usage: evbench vm --kernel K [--kernel K2 ...] [--accel auto|kvm|tcg]\n"
	       "                  [--cpus N] [--memory M] [--timeout T] [--rounds R]\n"
	       "                  [--out DIR] [-- evbench run options]\n\n"
	       "Boots each kernel under qemu-system-x86_64 with an initramfs holding\n"
	       "busybox, evbench, its drivers and their libraries, runs `evbench run`\n"
	       "inside with the options after --, and brings the run directory back\n"
	       "(over a second serial port) into DIR/<UTC time>-vm-<kernel>-<accel>/;\n"
	       "figures and the report are drawn here.  With several kernels the runs\n"
	       "are compared at the end.\n\n"
	       "  --kernel K     a kernel image (vmlinuz) path; a Debian kernel package\n"
	       "                 name (e.g. linux-image-cloud-amd64), looked up in the\n"
	       "                 system's apt lists, then bullseye's, bookworm's and\n"
	       "                 trixie's (each in evbench's own apt state in the cache,\n"
	       "                 the system's sources untouched), downloaded into\n"
	       "                 ~/.cache/evbench, never installed; a version line, 5.10,\n"
	       "                 6.1 or 6.12: the newest cloud image of bullseye, bookworm\n"
	       "                 or trixie; or host (/boot/vmlinuz-$(uname -r)).  Boot\n"
	       "                 parameters after a space make a variant of it:\n"
	       "                 --kernel '6.1 preempt=none'.  Repeatable\n"
	       "  --accel A      auto (default: kvm when /dev/kvm works, tcg when a kvm\n"
	       "                 boot shows no progress), kvm or tcg.  Under tcg every\n"
	       "                 figure is emulated: compare tcg runs only with tcg runs\n"
	       "  --cpus N       the VM's CPUs (default 2)\n"
	       "  --memory M     the VM's memory, MiB or with a M/G suffix (default:\n"
	       "                 sized from the plan, 1 GiB plus 1.5 times what the\n"
	       "                 largest cell's descriptors take, at least 2G)\n"
	       "  --timeout T    per kernel, boot to power-off (default 1800s; e.g. 300s)\n"
	       "  --rounds R     boot the kernels in turn R times, A B A B ..., each boot\n"
	       "                 running its share of every cell's repetitions (at least\n"
	       "                 4 in all, a multiple of R); each kernel's rounds make one\n"
	       "                 run directory, results.csv's round says which boot ran a\n"
	       "                 row, and compare tests within rounds, its error the\n"
	       "                 rounds' own spread (R - 1 degrees of freedom: use 3 or\n"
	       "                 more to see a change of a few percent; default 1)\n"
	       "  --out DIR      where the run directories land (default results)\n\n"
	       "Inside the VM RLIMIT_NOFILE is raised to 1048576, net.core.somaxconn\n"
	       "and net.ipv4.ip_local_port_range are widened; env.csv records them with\n"
	       "vm_accel, vm_cpus and vm_memory_mb.  A kernel that does not boot, panics\n"
	       "or runs out of time leaves a failed run directory with its console log\n"
	       "and the reason; the other kernels go on.  Needs qemu-system-x86 and\n"
	       "busybox-static (installed when running as root with apt-get, else the\n"
	       "apt-get line is printed).\n");
}

/* --kernel's boot parameters: words of [A-Za-z0-9_.,:=+/-], one space
 * apart, at most 256 bytes: what a kernel command line needs, and nothing
 * a shell, qemu's -append or a directory name would read otherwise. */
static void check_kernel(const char *k)
{
	const char *params = strchr(k, ' ');
	size_t n;

	if (!params)
		return;
	n = strlen(params + 1);
	if (params == k || n == 0 || n > 256 ||
	    strspn(params + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			       "0123456789_.,:=+/- ") != n || strstr(params, "  ") ||
	    params[n] == ' ')
		evb_usage_error(VM_PROG, "--kernel '%s': expected SPEC or 'SPEC param ...' "
				"(parameters of letters, digits and _.,:=+/-, one space "
				"apart, at most 256 bytes), e.g. '6.1 preempt=none'", k);
}

/* --memory: MiB, or a number with a M or G suffix (binary units). */
static int64_t parse_memory_mb(const char *text)
{
	char digits[32];
	size_t n = strlen(text);
	int64_t scale = 1, value;

	if (n == 0 || n >= sizeof(digits))
		evb_usage_error(VM_PROG, "--memory '%s': expected MiB, e.g. 2048, 512M or 2G",
				text);
	memcpy(digits, text, n + 1);
	if (digits[n - 1] == 'G' || digits[n - 1] == 'g')
		scale = 1024;
	if (scale == 1024 || digits[n - 1] == 'M' || digits[n - 1] == 'm')
		digits[n - 1] = '\0';
	if (evb_parse_i64(digits, EVB_UNIT_NONE, 1, 1024 * 1024, &value) ||
	    value * scale < 128 || value * scale > 1024 * 1024)
		evb_usage_error(VM_PROG, "--memory '%s': expected 128M .. 1024G, e.g. 2048, "
				"512M or 2G", text);
	return value * scale;
}

static void vm_parse(int argc, char **argv, struct vm_opts *o)
{
	enum { OPT_KERNEL = 0x100, OPT_ACCEL, OPT_CPUS, OPT_MEMORY, OPT_TIMEOUT, OPT_ROUNDS,
	       OPT_OUT, OPT_HELP };
	static const struct option long_options[] = {
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "accel", required_argument, NULL, OPT_ACCEL },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "rounds", required_argument, NULL, OPT_ROUNDS },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_KERNEL:
			if (!optarg[0])
				evb_usage_error(VM_PROG, "--kernel '': expected an image path, "
						"a Debian package name or host");
			if (o->nkernels == VM_MAX_KERNELS)
				evb_usage_error(VM_PROG, "--kernel '%s': at most %d kernels",
						optarg, VM_MAX_KERNELS);
			check_kernel(optarg);
			o->kernels[o->nkernels++] = optarg;
			break;
		case OPT_ACCEL:
			o->accel = evb_opt_word(VM_PROG, "--accel", optarg, vm_accel_names);
			break;
		case OPT_CPUS:
			o->cpus = evb_opt_i64(VM_PROG, "--cpus", optarg, EVB_UNIT_NONE, 1, 64);
			break;
		case OPT_MEMORY:
			o->memory_mb = parse_memory_mb(optarg);
			break;
		case OPT_TIMEOUT:
			o->timeout_s = evb_opt_i64(VM_PROG, "--timeout", optarg, EVB_UNIT_TIME,
						   1000000000LL, 7 * 86400 * 1000000000LL) /
				       1000000000LL;
			break;
		case OPT_ROUNDS:
			o->rounds = evb_opt_i64(VM_PROG, "--rounds", optarg, EVB_UNIT_NONE, 1, 16);
			break;
		case OPT_OUT:
			if (!optarg[0])
				evb_usage_error(VM_PROG, "--out '': expected a directory");
			o->out = optarg;
			break;
		case OPT_HELP:
			vm_usage();
			exit(0);
		default:
			evb_usage_error(VM_PROG, "unknown option (see above)");
		}
	}
	if (o->nkernels == 0)
		evb_usage_error(VM_PROG, "--kernel is required (an image path, a Debian "
				"package name or host)");
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
		evb_usage_error(VM_PROG, "unexpected argument '%s' (evbench run options go "
				"after --)", argv[optind]);
	if (argc - optind > VM_MAX_RUN_ARGS)
		evb_usage_error(VM_PROG, "at most %d evbench run options after --",
				VM_MAX_RUN_ARGS);
}

int harness_cmd_vm(int argc, char **argv)
{
	struct vm_opts o = { .cpus = 2, .memory_mb = 0, .timeout_s = 1800, .rounds = 1,
			     .out = "results" };
	char script[PATH_MAX], bin_dir[PATH_MAX];
	char cpus[24], memory[24], timeout[24], rounds[24];
	char *args[8 + 2 * VM_MAX_KERNELS + 10 + 1 + VM_MAX_RUN_ARGS + 1];
	int n = 0;

	vm_parse(argc, argv, &o);
	harness_scripts_dir(bin_dir, sizeof(bin_dir));
	snprintf(script, sizeof(script), "%s/evbench-vm.sh", bin_dir);
	if (setenv("EVB_SCRIPTS_DIR", bin_dir, 1))
		evb_die_errno(VM_PROG, "setenv");
	harness_plots_dir(bin_dir, sizeof(bin_dir));
	if (setenv("EVB_PLOTS_DIR", bin_dir, 1))
		evb_die_errno(VM_PROG, "setenv");
	harness_pack_dir(bin_dir, sizeof(bin_dir));
	if (setenv("EVB_BIN_DIR", bin_dir, 1))
		evb_die_errno(VM_PROG, "setenv");
	snprintf(cpus, sizeof(cpus), "%lld", (long long)o.cpus);
	if (o.memory_mb)
		snprintf(memory, sizeof(memory), "%lld", (long long)o.memory_mb);
	else
		snprintf(memory, sizeof(memory), "plan");
	snprintf(timeout, sizeof(timeout), "%lld", (long long)o.timeout_s);
	snprintf(rounds, sizeof(rounds), "%lld", (long long)o.rounds);
	args[n++] = "bash";
	args[n++] = script;
	args[n++] = "--accel";
	args[n++] = (char *)vm_accel_names[o.accel];
	for (int i = 0; i < o.nkernels; i++) {
		args[n++] = "--kernel";
		args[n++] = (char *)o.kernels[i];
	}
	args[n++] = "--cpus";
	args[n++] = cpus;
	args[n++] = "--memory";
	args[n++] = memory;
	args[n++] = "--timeout";
	args[n++] = timeout;
	args[n++] = "--rounds";
	args[n++] = rounds;
	args[n++] = "--out";
	args[n++] = (char *)o.out;
	args[n++] = "--";
	for (int i = optind; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execvp("bash", args);
	fprintf(stderr, "%s: cannot run bash %s: %s\n", VM_PROG, script, strerror(errno));
	return 1;
}
