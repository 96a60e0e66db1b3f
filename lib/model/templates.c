/*
 * Default coupling templates (doc/model.md, "Templates"). Every number here is
 * illustrative, a starting point to be calibrated by the planner: a link
 * written explicitly replaces the template's link for the same pair.
 */
#include "templates.h"

#define E HSEC_DIM_ECONOMIC
#define F HSEC_DIM_FOOD
#define H HSEC_DIM_HEALTH
#define V HSEC_DIM_ENVIRONMENTAL
#define P HSEC_DIM_PERSONAL
#define C HSEC_DIM_COMMUNITY
#define L HSEC_DIM_POLITICAL

/* Inside each group: lost income cuts food and care; hunger and a polluted
 * environment harm health; violence tears at community and livelihood;
 * community breakdown and political exclusion feed each other. */
const hx_tlink hx_template_dimensions[] = {
    {E, F, 0.3}, {E, H, 0.1}, {E, C, 0.1}, {F, H, 0.3}, {F, E, 0.1},
    {H, E, 0.2}, {V, H, 0.2}, {V, F, 0.2}, {P, C, 0.3}, {P, E, 0.2},
    {C, P, 0.1}, {C, L, 0.2}, {L, P, 0.2}, {L, C, 0.1},
};
const size_t hx_template_dimensions_count =
    sizeof hx_template_dimensions / sizeof *hx_template_dimensions;

/* From a service of each kind (`from` is the kind) to the dimensions of
 * the groups it serves. */
const hx_tlink hx_template_services[] = {
    {HSEC_SERVICE_ENERGY, E, 0.3},
    {HSEC_SERVICE_ENERGY, H, 0.2},
    {HSEC_SERVICE_ENERGY, F, 0.1},
    {HSEC_SERVICE_WATER, H, 0.4},
    {HSEC_SERVICE_WATER, F, 0.2},
    {HSEC_SERVICE_WATER, V, 0.2},
    {HSEC_SERVICE_HEALTH_CARE, H, 0.5},
    {HSEC_SERVICE_FOOD_PRODUCTION, F, 0.5},
    {HSEC_SERVICE_FOOD_PRODUCTION, E, 0.2},
    {HSEC_SERVICE_MARKET, E, 0.4},
    {HSEC_SERVICE_MARKET, F, 0.3},
    {HSEC_SERVICE_EDUCATION, E, 0.1},
    {HSEC_SERVICE_EDUCATION, C, 0.1},
    {HSEC_SERVICE_SHELTER, H, 0.2},
    {HSEC_SERVICE_SHELTER, P, 0.2},
    {HSEC_SERVICE_COMMUNICATIONS, C, 0.1},
    {HSEC_SERVICE_COMMUNICATIONS, L, 0.1},
    {HSEC_SERVICE_COMMUNICATIONS, E, 0.1},
    {HSEC_SERVICE_TRANSPORT, E, 0.2},
    {HSEC_SERVICE_TRANSPORT, F, 0.1},
    {HSEC_SERVICE_POLICING_JUSTICE, P, 0.5},
    {HSEC_SERVICE_POLICING_JUSTICE, L, 0.2},
    {HSEC_SERVICE_GOVERNANCE, L, 0.4},
    {HSEC_SERVICE_GOVERNANCE, C, 0.1},
    {HSEC_SERVICE_CULTURAL_PROPERTY, C, 0.3},
};
const size_t hx_template_services_count =
    sizeof hx_template_services / sizeof *hx_template_services;
