/* auth_sasl: see auth_sasl.h. */
#include "node/cql/auth_sasl.h"

#include "storage/types.h"

int auth_sasl_plain_parse(const uint8_t *token, size_t len, struct auth_sasl_plain *out,
                          struct errmsg *em)
{
    /* From the end: the first NUL found ends the password, the second the user. */
    size_t end = len;
    int nuls = 0;
    const uint8_t *pass = NULL, *user = NULL;
    size_t pass_len = 0, user_len = 0;
    for (size_t i = len; i-- > 0;) {
        if (token[i] != 0) continue;
        if (nuls == 0) {
            pass = token + i + 1;
            pass_len = end - i - 1;
        } else if (nuls == 1) {
            user = token + i + 1;
            user_len = end - i - 1;
        } else {
            return errmsg_set(em, ERR_AUTH,
                              "Credential format error: username or password is empty or "
                              "contains NUL(\\0) character");
        }
        nuls++;
        end = i;
    }
    if (!pass || pass_len == 0) return errmsg_set(em, ERR_AUTH, "Password must not be null");
    if (!user || user_len == 0)
        return errmsg_set(em, ERR_AUTH, "Authentication ID must not be null");
    *out = (struct auth_sasl_plain){user, user_len, pass, pass_len};
    return 0;
}

void auth_sasl_printable(const uint8_t *p, size_t len, char *out, size_t cap)
{
    if (cap == 0) return;
    bool utf8 = cql_value_utf8_valid(p, len);
    size_t n = len < cap - 1 ? len : cap - 1;
    /* Do not cut a multi-byte character in two. */
    while (utf8 && n > 0 && n < len && (p[n] & 0xC0) == 0x80) n--;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        bool bad = c < 0x20 || c == 0x7F || (!utf8 && c >= 0x80);
        out[i] = bad ? '?' : (char)c;
    }
    out[n] = '\0';
}
