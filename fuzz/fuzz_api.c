/*
 * API sequences: the fuzz bytes are a small program of builder, scenario
 * and run calls, with any values (NaN, negative, out of range, unknown
 * names). Every call must return a code, never crash; a model that
 * compiles must run twice to the same numbers.
 */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

typedef struct reader {
    const unsigned char *p;
    size_t n;
} reader;

static unsigned byte(reader *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

/* A double: usually a fraction, sometimes a special value. */
static double number(reader *r)
{
    unsigned k = byte(r);
    switch (k % 16) {
    case 0: return NAN;
    case 1: return INFINITY;
    case 2: return -1.0 * byte(r);
    case 3: return (double)byte(r) * 1e6;
    case 4: return (double)(byte(r) % 8);
    default: return (double)byte(r) / 255.0;
    }
}

static const char *const names[] = {"a", "b", "c", "g", "h", "r", "q", "a.food", "g.health",
                                    "h.personal", "g.economic", "x y", "", "r2"};
#define NNAMES (sizeof names / sizeof *names)

static const char *name(reader *r)
{
    return names[byte(r) % NNAMES];
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    reader rd = {data, size};
    hsec_model *m = NULL;
    if (hsec_model_new(&m, NULL))
        return 0;
    hsec_model_add_region(m, "r", NULL);
    unsigned ops = byte(&rd) % 48;
    for (unsigned i = 0; i < ops && rd.n; i++) {
        switch (byte(&rd) % 9) {
        case 0: hsec_model_add_region(m, name(&rd), byte(&rd) % 2 ? name(&rd) : NULL); break;
        case 1: hsec_model_add_group(m, name(&rd), name(&rd), number(&rd) * 1000); break;
        case 2:
            hsec_model_add_service(m, name(&rd), (hsec_service_kind)(byte(&rd) % 15),
                                   byte(&rd) % 2 ? name(&rd) : NULL);
            break;
        case 3: hsec_model_add_link(m, name(&rd), name(&rd), number(&rd), number(&rd)); break;
        case 4: hsec_model_set(m, name(&rd), (hsec_param)(byte(&rd) % 7), number(&rd)); break;
        case 5: hsec_model_set_group_flags(m, name(&rd), byte(&rd)); break;
        case 6: hsec_model_use_template(m, byte(&rd) % 2 ? "dimensions" : "services"); break;
        default: break;
        }
    }
    hsec_compiled *c = NULL;
    if (hsec_model_compile(&c, m) != HSEC_OK) {
        ORACLE(hsec_model_errmsg(m)[0] != '\0');
        hsec_model_free(m);
        return 0;
    }
    hsec_model_free(m);
    hsec_scenario *s = NULL;
    if (hsec_scenario_new(&s, c)) {
        hsec_compiled_free(c);
        return 0;
    }
    hsec_compiled_free(c);
    static const char *const ids[] = {"t", "u", "m", "n", "p"};
    ops = byte(&rd) % 32;
    for (unsigned i = 0; i < ops && rd.n; i++) {
        const char *id = ids[byte(&rd) % 5];
        switch (byte(&rd) % 10) {
        case 0: hsec_scenario_add_threat(s, id, (hsec_threat_actor)(byte(&rd) % 8)); break;
        case 1: hsec_scenario_set_threat(s, id, (hsec_timing)(byte(&rd) % 6), number(&rd)); break;
        case 2: hsec_scenario_add_threat_target(s, id, name(&rd), number(&rd)); break;
        case 3:
            hsec_scenario_add_measure(s, id, (hsec_measure_kind)(byte(&rd) % 3),
                                      (hsec_effect)(byte(&rd) % 5),
                                      (hsec_measure_actor)(byte(&rd) % 7), number(&rd));
            break;
        case 4: hsec_scenario_set_measure(s, id, (hsec_timing)(byte(&rd) % 6), number(&rd)); break;
        case 5: hsec_scenario_add_measure_target(s, id, name(&rd)); break;
        case 6:
            hsec_scenario_add_measure_link(s, id, byte(&rd) % 2 ? name(&rd) : NULL, name(&rd));
            break;
        case 7: hsec_scenario_set_option(s, (hsec_option)(byte(&rd) % 15), number(&rd)); break;
        case 8: hsec_scenario_record(s, name(&rd)); break;
        default:
            hsec_scenario_add_package(s, id);
            hsec_scenario_package_add(s, id, ids[byte(&rd) % 5]);
            break;
        }
    }
    run_twice(s);
    hsec_scenario_free(s);
    return 0;
}
