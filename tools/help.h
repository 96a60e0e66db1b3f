/* Per-command help, and "did you mean" for commands and options (help.c). */
#ifndef HSEC_TOOLS_HELP_H
#define HSEC_TOOLS_HELP_H

#include <stdbool.h>

/* Whether --help or -h is among the arguments. */
bool help_asked(int argc, char **argv);
/* Print a command's help with an example on standard output: 0, or -1
 * when there is no such command. */
int help_command(const char *cmd);
/* The known command or option nearest to a misspelt one, or NULL. */
const char *help_nearest_command(const char *cmd);
const char *help_nearest_option(const char *cmd, const char *opt);

#endif
