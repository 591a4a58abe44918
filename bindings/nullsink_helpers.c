// SPDX-License-Identifier: GPL-2.0
/* The same wrappers, linked into nullsink_rs.ko too (kbuild links an
 * object into one module only). */
#include "helpers.c"
