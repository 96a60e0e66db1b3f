/* The tutorial (doc/tutorial.md) in C: the same model, run and numbers as
 * tutorial.py and go/main.go. */
#include <hsec.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(call, handle, errmsg)                              \
    do {                                                         \
        if ((call) != HSEC_OK) {                                 \
            fprintf(stderr, "%s\n", errmsg(handle));             \
            exit(1);                                             \
        }                                                        \
    } while (0)
#define M(call) CHECK(call, m, hsec_model_errmsg)
#define S(call) CHECK(call, s, hsec_scenario_errmsg)

int main(void)
{
    hsec_model *m;
    hsec_compiled *c;
    hsec_scenario *s;
    hsec_result *r;
    if (hsec_model_new(&m, NULL))
        return 1;
    /* 1. the people and the services they depend on */
    M(hsec_model_add_region(m, "east", NULL));
    M(hsec_model_add_group(m, "elderly", "east", 120000));
    M(hsec_model_set(m, "elderly.health", HSEC_PARAM_VULNERABILITY, 1.5));
    M(hsec_model_set(m, "elderly", HSEC_PARAM_RECOVERY, 0.1));
    M(hsec_model_add_group(m, "children", "east", 90000));
    M(hsec_model_set(m, "children", HSEC_PARAM_RECOVERY, 0.15));
    M(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "east"));
    M(hsec_model_set(m, "grid", HSEC_PARAM_RECOVERY, 0.2));
    M(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "east"));
    M(hsec_model_set(m, "water", HSEC_PARAM_RECOVERY, 0.3));
    M(hsec_model_add_service(m, "clinic", HSEC_SERVICE_HEALTH_CARE, "east"));
    M(hsec_model_set(m, "clinic", HSEC_PARAM_RECOVERY, 0.25));
    /* 2. how failure travels */
    M(hsec_model_add_link(m, "grid", "water", 0.6, 0));
    M(hsec_model_add_link(m, "grid", "clinic", 0.5, 0));
    M(hsec_model_add_link(m, "water", "elderly.health", 0.5, 2));
    M(hsec_model_add_link(m, "clinic", "elderly.health", 0.4, 0));
    M(hsec_model_add_link(m, "water", "children.health", 0.3, 1));
    M(hsec_model_use_template(m, "dimensions"));
    M(hsec_model_compile(&c, m));
    hsec_model_free(m);
    /* 3. the threat, a measure, the run */
    if (hsec_scenario_new(&s, c))
        return 1;
    hsec_compiled_free(c);
    S(hsec_scenario_add_threat(s, "strike", HSEC_THREAT_ADVERSARY));
    S(hsec_scenario_set_threat(s, "strike", HSEC_TIMING_START, 1));
    S(hsec_scenario_set_threat(s, "strike", HSEC_TIMING_DURATION, 30));
    S(hsec_scenario_add_threat_target(s, "strike", "grid", 0.8));
    S(hsec_scenario_add_measure(s, "generators", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_MILITARY,
                                0.5));
    S(hsec_scenario_set_measure(s, "generators", HSEC_TIMING_START, 5));
    S(hsec_scenario_set_measure(s, "generators", HSEC_TIMING_RAMP, 5));
    S(hsec_scenario_set_measure(s, "generators", HSEC_TIMING_COST, 250000));
    S(hsec_scenario_add_measure_link(s, "generators", "grid", "water"));
    S(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC));
    S(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 60));
    S(hsec_scenario_run(&r, s));
    /* 4. what it says */
    const char *nodes[3] = {"water", "elderly.health", "children.health"};
    for (int i = 0; i < 3; i++) {
        size_t k;
        hsec_compiled_find_node(&k, hsec_scenario_compiled(s), nodes[i]);
        const double *o = hsec_result_orders(r) + HSEC_ORDER_COUNT * k;
        printf("%s q=%.17g orders=%.17g %.17g %.17g %.17g\n", nodes[i], hsec_result_q(r)[k],
               o[0], o[1], o[2], o[3]);
    }
    for (size_t g = 0; g < 2; g++) {
        double h;
        uint64_t step;
        hsec_result_group(&step, &h, NULL, 0, r, g, HSEC_AT_PEAK);
        printf("group %zu peak index=%.17g at step %llu\n", g, h, (unsigned long long)step);
    }
    double total, prop;
    hsec_result_burden(&total, r, HSEC_BURDEN_TOTAL, 0);
    hsec_result_burden(&prop, r, HSEC_BURDEN_PROPAGATED, 0);
    printf("burden total=%.17g propagated=%.17g\n", total, prop);
    hsec_result_free(r);
    hsec_scenario_free(s);
    return 0;
}
