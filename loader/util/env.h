/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The environment the SRv6 PyTorch plugin is configured by (HOSTS, RANK,
 * DEST_FUNCTION, JALAPENO_API_ENDPOINT, ...). */
#ifndef SRV6_ENV_H
#define SRV6_ENV_H

#include <stdlib.h>

/* The variable's value; NULL when it is unset or empty (an empty value means
 * "not configured" in pod specs and job templates). */
static inline const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

#endif
