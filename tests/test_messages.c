/* Messages are safe to print: a document's ids, keys and strings reach
 * them with their control characters escaped (\x1b, \n), the text is
 * UTF-8, and a cut at HSEC_ERRMSG_MAX splits neither an escape nor a
 * character. */
#include "util.h"

#include <stdbool.h>

/* Where msg breaks the rule, or NULL: a control byte (C0, DEL, C1), a
 * byte that is not UTF-8, or a backslash not starting \n, \t, \r or
 * \xNN (which is how a cut escape would show). */
static const char *fault(const char *msg)
{
    const unsigned char *s = (const unsigned char *)msg;
    for (size_t i = 0; s[i];) {
        unsigned c = s[i];
        if (c < 0x20 || c == 0x7f)
            return "a raw control character";
        if (c == '\\') {
            if (s[i + 1] == 'n' || s[i + 1] == 't' || s[i + 1] == 'r') {
                i += 2;
                continue;
            }
            if (s[i + 1] != 'x' || !strchr("0123456789abcdef", s[i + 2]) || !s[i + 2] ||
                !strchr("0123456789abcdef", s[i + 3]) || !s[i + 3])
                return "a backslash that starts no escape";
            i += 4;
            continue;
        }
        size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                     : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (!len || (c == 0xc2 && s[i + 1] >= 0x80 && s[i + 1] < 0xa0))
            return "not UTF-8, or a C1 control";
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return "a cut or broken UTF-8 sequence";
        i += len;
    }
    return NULL;
}

#define CLEAN(msg)                                                          \
    do {                                                                    \
        const char *m_ = (msg), *f_ = fault(m_);                            \
        if (f_)                                                             \
            fail_msg("%s in the message \"%s\"", f_, m_);                   \
        assert_true(strlen(m_) < HSEC_ERRMSG_MAX);                          \
    } while (0)

static int load(hsec_loader *l, const char *doc)
{
    hsec_scenario *s = NULL;
    int rc = hsec_loader_load(&s, l, doc, strlen(doc));
    hsec_scenario_free(s);
    return rc;
}

/* Ids and keys with ESC and BEL (JSON \u escapes), a raw control byte in
 * the text, and a string with C1 controls: each message shows them as
 * escapes. */
static void test_document_messages(void **state)
{
    (void)state;
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    assert_int_not_equal(load(l, "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}], \"groups\": "
                                 "[{\"id\": \"a\\u001b]0;owned\\u0007b\", \"region\": \"r\", "
                                 "\"size\": 1}]}"),
                         HSEC_OK);
    CLEAN(hsec_loader_errmsg(l));
    assert_non_null(strstr(hsec_loader_errmsg(l), "a\\x1b]0;owned\\x07b"));

    assert_int_not_equal(load(l, "{\"hsec\": 1, \"\\u001b[2J\\n\": 1}"), HSEC_OK);
    CLEAN(hsec_loader_errmsg(l));
    assert_non_null(strstr(hsec_loader_errmsg(l), "\\x1b[2J\\n"));

    /* a raw ESC inside a JSON string: a syntax error, whose text may quote it */
    assert_int_not_equal(load(l, "{\"hsec\": 1, \"name\": \"a\x1b[31m\"}"), HSEC_OK);
    CLEAN(hsec_loader_errmsg(l));

    /* a C1 control (U+009B, CSI on some terminals) and a stray byte */
    assert_int_not_equal(load(l, "{\"hsec\": 1, \"\\u009b31m\": 1}"), HSEC_OK);
    CLEAN(hsec_loader_errmsg(l));
    assert_non_null(strstr(hsec_loader_errmsg(l), "\\xc2\\x9b31m"));

    /* a key long enough that the message is cut: whole escapes only */
    char doc[4096] = "{\"hsec\": 1, \"";
    for (int i = 0; i < 300; i++)
        strcat(doc, "\\u001b");
    strcat(doc, "\": 1}");
    assert_int_not_equal(load(l, doc), HSEC_OK);
    CLEAN(hsec_loader_errmsg(l));
    assert_non_null(strstr(hsec_loader_errmsg(l), "\\x1b\\x1b"));
    hsec_loader_free(l);
}

/* The builder's messages (on the handle and the thread's). */
static void test_builder_messages(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    assert_int_equal(hsec_model_add_region(m, "r\x1b[2J\a", NULL), HSEC_EINVAL);
    CLEAN(hsec_model_errmsg(m));
    assert_non_null(strstr(hsec_model_errmsg(m), "r\\x1b[2J\\x07"));
    OK(hsec_model_add_region(m, "r", NULL));
    char id[1200];
    memset(id, '\x1b', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    assert_int_equal(hsec_model_add_group(m, id, "r", 1), HSEC_EINVAL);
    CLEAN(hsec_model_errmsg(m));
    assert_true(strlen(hsec_model_errmsg(m)) > HSEC_ERRMSG_MAX - 8); /* cut, at a whole escape */
    hsec_model_free(m);
    assert_int_equal(hsec_model_add_region(NULL, "x", NULL), HSEC_EINVAL);
    CLEAN(hsec_last_errmsg());
}

/* hsec_last_errmsg_set: the same rule, and cuts at a unit's edge. */
static void test_set_and_cut(void **state)
{
    (void)state;
    char big[2000];
    memset(big, '\x1b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(hsec_last_errmsg_set(HSEC_EIO, big), HSEC_EIO);
    const char *got = hsec_last_errmsg();
    CLEAN(got);
    assert_int_equal(strlen(got) % 4, 0);
    assert_int_equal(strlen(got), (HSEC_ERRMSG_MAX - 1) / 4 * 4);

    /* two-, three- and four-byte characters: never split */
    const char *chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    for (int k = 0; k < 3; k++)
        for (int shift = 0; shift < 4; shift++) {
            size_t n = (size_t)shift;
            memset(big, 'a', n);
            while (n + strlen(chars[k]) < sizeof big) {
                memcpy(big + n, chars[k], strlen(chars[k]));
                n += strlen(chars[k]);
            }
            big[n] = '\0';
            hsec_last_errmsg_set(HSEC_EIO, big);
            CLEAN(hsec_last_errmsg());
            assert_true(strlen(hsec_last_errmsg()) > HSEC_ERRMSG_MAX - 5);
        }

    /* what is shown how */
    static const char *const cases[][2] = {
        {"tab\there\nnew\rline", "tab\\there\\nnew\\rline"},
        {"bell\a del\x7f nul-less \x01", "bell\\x07 del\\x7f nul-less \\x01"},
        {"c1 \xc2\x9b and \xc2\xa0 (no-break space)", "c1 \\xc2\\x9b and \xc2\xa0 (no-break space)"},
        {"stray \xff, overlong \xc0\xaf, surrogate \xed\xa0\x80",
         "stray \\xff, overlong \\xc0\\xaf, surrogate \\xed\\xa0\\x80"},
        {"cut \xe2\x82", "cut \\xe2\\x82"},
        {"already \\x1b escaped", "already \\x1b escaped"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hsec_last_errmsg_set(HSEC_EINVAL, cases[i][0]);
        assert_string_equal(hsec_last_errmsg(), cases[i][1]);
        /* escaped twice: the same */
        char again[HSEC_ERRMSG_MAX];
        snprintf(again, sizeof again, "%s", hsec_last_errmsg());
        hsec_last_errmsg_set(HSEC_EINVAL, again);
        assert_string_equal(hsec_last_errmsg(), again);
    }
    /* its own message, set again */
    hsec_last_errmsg_set(HSEC_EINVAL, "a\x1b");
    hsec_last_errmsg_set(HSEC_EINVAL, hsec_last_errmsg());
    assert_string_equal(hsec_last_errmsg(), "a\\x1b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_messages),
        cmocka_unit_test(test_builder_messages),
        cmocka_unit_test(test_set_and_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
