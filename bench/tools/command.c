// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "command.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cjson/cJSON.h>

int bench_run_command(const char *tool, char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", tool, argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int bench_json_write(const char *tool, const char *path, const cJSON *root)
{
	char *text = cJSON_Print(root);
	FILE *f = path ? fopen(path, "w") : stdout;
	int rc = 0;

	if (!text || !f || fprintf(f, "%s\n", text) < 0 || (path && fclose(f))) {
		fprintf(stderr, "%s: cannot write %s: %s\n", tool, path ? path : "stdout",
			strerror(errno));
		rc = -1;
	}
	free(text);
	return rc;
}
