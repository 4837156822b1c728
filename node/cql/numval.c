/*
 * numval: writes a number computed as int64 / double (arithmetic on bound values, sum and avg
 * aggregates) as the serialized value of a numeric CQL type: integers two's complement
 * big-endian at their width, float/double IEEE 754 big-endian, varint minimal two's complement,
 * decimal from the double's Java text (as Cassandra's BigDecimal.valueOf(double)).
 * Pure. Thread rule: none.
 */
#include "node/cql/numval.h"

#include <string.h>

#include "storage/value_format.h"
#include "storage/varnum.h"

void numval_put(enum cql_type_id id, int64_t i, double d, struct buf *b)
{
    switch (id) {
    case CQL_TINYINT:
        buf_put_u8(b, (uint8_t)i);
        break;
    case CQL_SMALLINT:
        buf_put_be16(b, (uint16_t)i);
        break;
    case CQL_INT:
        buf_put_be32(b, (uint32_t)i);
        break;
    case CQL_BIGINT:
    case CQL_COUNTER:
        buf_put_be64(b, (uint64_t)i);
        break;
    case CQL_FLOAT: {
        float f = (float)d;
        uint32_t u;
        memcpy(&u, &f, 4);
        buf_put_be32(b, u);
        break;
    }
    case CQL_DOUBLE: {
        uint64_t u;
        memcpy(&u, &d, 8);
        buf_put_be64(b, u);
        break;
    }
    case CQL_VARINT: {
        struct varnum n;
        varnum_init(&n);
        varnum_set_i64(&n, i);
        varnum_to_twos(&n, b);
        varnum_deinit(&n);
        break;
    }
    default: {
        struct buf t2;
        buf_init(&t2);
        value_format_java_double(&t2, d);
        if (varnum_parse_decimal((const char *)t2.data, t2.len, b) != 0) buf_put_be32(b, 0);
        buf_deinit(&t2);
    }
    }
}
