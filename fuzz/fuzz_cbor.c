/* The CBOR decoder and the scenario loader. */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    hsec_allocator a;
    hd_limits lim;
    fuzz_init(&a, &lim);
    char msg[HSEC_ERRMSG_MAX];
    hd *tree = NULL;
    int rc = hd_from_cbor(&tree, &a, data, size, &lim, msg);
    check_columns(&a, data, size, &lim, rc, msg, tree);
    if (rc != HSEC_OK) {
        ORACLE(msg[0] != '\0');
        return 0;
    }
    check_cbor_identity(&a, tree, &lim);
    check_json_identity(&a, tree, &lim);
    check_runs(&a, tree, &lim);
    hd_free(&a, tree);
    return 0;
}
