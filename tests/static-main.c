/* A simulator linking libhsec statically: loads a scenario, runs it, prints the burden. */
#include <hsec.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    char err[HSEC_ERRMSG_MAX];
    hsec_scenario *s = NULL;
    hsec_result *r = NULL;
    if (hsec_doc_load_file(&s, argv[1], NULL, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    if (hsec_scenario_run(&r, s)) return 1;
    double b; hsec_result_burden(&b, r, HSEC_BURDEN_TOTAL, 0);
    printf("burden %.6g\n", b);
    hsec_result_free(r); hsec_scenario_free(s);
    return 0;
}
