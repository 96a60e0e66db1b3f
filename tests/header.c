/* The public header alone, compiled with -pedantic -Werror as C99 and C11. */
#include "hsec.h"

int main(void)
{
    hsec_model *m = 0;
    int rc = hsec_model_new(&m, 0);
    hsec_model_free(m);
    return rc == HSEC_OK && HSEC_VERSION_NUMBER == hsec_version_number() ? 0 : 1;
}
