/* A simulator linking libhsec statically: loads a scenario, runs it, prints the burden. */
#include <hsec.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    hsec_loader *l = NULL;
    hsec_scenario *s = NULL;
    hsec_result *r = NULL;
    if (argc < 2 || hsec_loader_new(&l, NULL)) return 1;
    if (hsec_loader_load_file(&s, l, argv[1])) { fprintf(stderr, "%s\n", hsec_loader_errmsg(l)); return 1; }
    hsec_loader_free(l);
    if (hsec_scenario_run(&r, s)) return 1;
    double b; hsec_result_burden(&b, r, HSEC_BURDEN_TOTAL, 0);
    printf("burden %.6g\n", b);
    hsec_result_free(r); hsec_scenario_free(s);
    return 0;
}
