// The public header alone, compiled as C++ with -pedantic -Werror.
#include "hsec.h"

int main()
{
    hsec_model *m = nullptr;
    int rc = hsec_model_new(&m, nullptr);
    hsec_model_free(m);
    return rc == HSEC_OK ? 0 : 1;
}
