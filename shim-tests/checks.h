/* One "ok WHAT" or "FAIL WHAT (errno N)" line per check; `failures` counts the failed ones
 * (the programs exit with it). REFUSED: the call must fail with errno `err`. */
#ifndef SHIM_TESTS_CHECKS_H
#define SHIM_TESTS_CHECKS_H
#include <errno.h>
#include <stdio.h>

static int failures;

#define CHECK(what, cond)                                                                          \
	do {                                                                                       \
		if (cond)                                                                          \
			printf("ok %s\n", what);                                                   \
		else {                                                                             \
			printf("FAIL %s (errno %d)\n", what, errno);                               \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define REFUSED(what, err, call) CHECK(what, (call) < 0 && errno == (err))

#endif
