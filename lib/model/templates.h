#ifndef HSEC_TEMPLATES_H
#define HSEC_TEMPLATES_H

#include "hsec.h"

typedef struct hx_tlink {
    int from, to; /* dimensions, or a service kind and a dimension */
    double w;
} hx_tlink;

extern const hx_tlink hx_template_dimensions[];
extern const size_t hx_template_dimensions_count;
extern const hx_tlink hx_template_services[];
extern const size_t hx_template_services_count;

#endif
