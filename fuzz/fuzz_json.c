/* The JSON reader and the scenario loader. */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    hsec_allocator a;
    hd_limits lim;
    fuzz_init(&a, &lim);
    char msg[HSEC_ERRMSG_MAX];
    hd *tree = NULL;
    if (hd_from_json(&tree, &a, (const char *)data, size, &lim, msg) != HSEC_OK) {
        ORACLE(msg[0] != '\0');
        return 0;
    }
    check_cbor_identity(&a, tree, &lim);
    check_json_identity(&a, tree, &lim);
    /* JSON -> JSON -> tree: the same CBOR (every double kept) */
    char *text = NULL;
    size_t n = 0;
    if (hd_to_json(&text, &n, tree, &a) == HSEC_OK) {
        hd *again = NULL;
        ORACLE(hd_from_json(&again, &a, text, n, &lim, msg) == HSEC_OK);
        unsigned char *c1 = NULL, *c2 = NULL;
        size_t n1 = 0, n2 = 0;
        if (hd_to_cbor(&c1, &n1, &a, tree) == HSEC_OK && hd_to_cbor(&c2, &n2, &a, again) == HSEC_OK)
            ORACLE(n1 == n2 && memcmp(c1, c2, n1) == 0);
        hd_release(&a, c1);
        hd_release(&a, c2);
        hd_free(&a, again);
        hsec_free_string(text);
    }
    check_runs(&a, tree, &lim);
    hd_free(&a, tree);
    return 0;
}
