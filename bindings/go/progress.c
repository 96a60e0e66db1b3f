/* The progress callback of the Go package: the library calls trampoline,
 * which calls the exported Go function with the handle it was given. */
#include <stdint.h>
#include <hsec.h>
#include "_cgo_export.h"

static int trampoline(void *user, uint64_t done, uint64_t total)
{
    return hsecGoProgress((uintptr_t)user, done, total);
}

int hsecgo_set_progress(hsec_scenario *s, uintptr_t handle)
{
    return hsec_scenario_set_progress(s, handle ? trampoline : NULL, (void *)handle);
}

void hsecgo_report_progress(hsec_report_options *o, uintptr_t handle)
{
    o->progress = handle ? trampoline : NULL;
    o->progress_user = (void *)handle;
}
