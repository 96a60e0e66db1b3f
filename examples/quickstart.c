/* A grid strike cascades into water and then into the health of the elderly. */
#include <hsec.h>
#include <stdio.h>

int main(void)
{
    hsec_model *m;
    hsec_compiled *c;
    hsec_scenario *s;
    hsec_result *r;

    if (hsec_model_new(&m, NULL))
        return 1;
    hsec_model_add_region(m, "east", NULL);
    hsec_model_add_group(m, "elderly", "east", 120000);
    hsec_model_set(m, "elderly.health", HSEC_PARAM_VULNERABILITY, 1.5);
    hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "east");
    hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "east");
    hsec_model_add_link(m, "grid", "water", 0.6, 0);
    hsec_model_add_link(m, "water", "elderly.health", 0.5, 0);
    if (hsec_model_compile(&c, m)) {
        fprintf(stderr, "%s\n", hsec_model_errmsg(m));
        return 1;
    }
    hsec_model_free(m);

    hsec_scenario_new(&s, c);
    hsec_compiled_free(c); /* the scenario keeps its own reference */
    hsec_scenario_add_threat(s, "strike", HSEC_THREAT_ADVERSARY);
    hsec_scenario_add_threat_target(s, "strike", "grid", 0.8);
    if (hsec_scenario_run(&r, s)) { /* static equilibrium, bounded */
        fprintf(stderr, "%s\n", hsec_scenario_errmsg(s));
        return 1;
    }

    size_t health;
    hsec_compiled_find_node(&health, hsec_scenario_compiled(s), "elderly.health");
    const double *o = hsec_result_orders(r) + HSEC_ORDER_COUNT * health;
    printf("elderly health insecurity %.3f: 1st %.3f, 2nd %.3f, 3rd %.3f, 4+ %.3f\n",
           hsec_result_q(r)[health], o[0], o[1], o[2], o[3]);
    hsec_result_free(r);
    hsec_scenario_free(s);
    return 0;
}
