/* The container (header, checksums, zlib) and everything after it. */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    hsec_allocator a;
    hd_limits lim;
    fuzz_init(&a, &lim);
    char msg[HSEC_ERRMSG_MAX];
    unsigned char *cbor = NULL;
    size_t n = 0;
    if (hd_container_unwrap(&cbor, &n, &a, data, size, &lim, msg) != HSEC_OK) {
        ORACLE(msg[0] != '\0');
        return 0;
    }
    /* wrapping what was unwrapped unwraps to the same bytes */
    unsigned char *w = NULL, *back = NULL;
    size_t wn = 0, bn = 0;
    if (hd_container_wrap(&w, &wn, &a, cbor, n, (data[10] & 1) != 0) == HSEC_OK) {
        ORACLE(hd_container_unwrap(&back, &bn, &a, w, wn, &lim, msg) == HSEC_OK);
        ORACLE(bn == n && (n == 0 || memcmp(back, cbor, n) == 0));
    }
    hd_release(&a, w);
    hd_release(&a, back);
    hd *tree = NULL;
    int rc = hd_from_cbor(&tree, &a, cbor, n, &lim, msg);
    check_columns(&a, cbor, n, &lim, rc, msg, tree);
    if (rc == HSEC_OK) {
        check_cbor_identity(&a, tree, &lim);
        check_json_identity(&a, tree, &lim);
        check_runs(&a, tree, &lim);
        hd_free(&a, tree);
    }
    hd_release(&a, cbor);
    return 0;
}
