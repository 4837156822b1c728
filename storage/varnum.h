/*
 * varnum: the arbitrary-precision integers behind CQL varint and decimal (Java's BigInteger
 * and BigDecimal as Cassandra serializes them).
 *
 * Serialized forms (protocol v4 §6):
 *   varint  = big-endian two's complement, any length (BigInteger.toByteArray()); the empty
 *             value is allowed and means "empty", not zero.
 *   decimal = <int32 scale><varint unscaled>: value = unscaled × 10^-scale.
 *
 * A struct varnum is a sign and a magnitude in little-endian 32-bit limbs; small numbers use
 * inline storage, big ones a heap array (freed by varnum_deinit). Everything here is pure.
 * Every text parser bounds its input by VARNUM_DIGITS_MAX.
 * Thread rule: a struct varnum belongs to one thread.
 */
#ifndef RINGDB_STORAGE_VARNUM_H
#define RINGDB_STORAGE_VARNUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/base/buf.h"

#define VARNUM_INLINE_LIMBS 8
/* Longest decimal digit string accepted by the parsers (and produced from valid values). */
#define VARNUM_DIGITS_MAX 100000

struct varnum {
    uint32_t *limb; /* little-endian magnitude; limb[n-1] != 0 unless n == 0 (zero) */
    size_t n;
    size_t cap;
    bool neg; /* never true for zero */
    uint32_t inline_limb[VARNUM_INLINE_LIMBS];
};

void varnum_init(struct varnum *v);
void varnum_deinit(struct varnum *v);
void varnum_set_i64(struct varnum *v, int64_t x);
bool varnum_is_zero(const struct varnum *v);
/* Bits in the magnitude (0 for zero). */
size_t varnum_bit_length(const struct varnum *v);
/* v = v * m + add (magnitude only; sign kept). */
void varnum_mul_add_small(struct varnum *v, uint32_t m, uint32_t add);
/* v = v / d (magnitude); returns the remainder. d > 0. */
uint32_t varnum_divmod_small(struct varnum *v, uint32_t d);
/* Compares magnitudes. */
int varnum_cmp_mag(const struct varnum *a, const struct varnum *b);
/* Fits in int64: sets *out and returns true. */
bool varnum_to_i64(const struct varnum *v, int64_t *out);

/* Reads a two's complement big-endian integer (len 0 reads as zero). */
void varnum_from_twos(struct varnum *v, const uint8_t *p, size_t len);
/* Appends the shortest two's complement form (as BigInteger.toByteArray: zero is one 0x00). */
void varnum_to_twos(const struct varnum *v, struct buf *out);
/* Appends the decimal digits, with '-' for negatives. */
void varnum_format(const struct varnum *v, struct buf *out);
/* Parses [+-]digits (exactly len chars, at least one digit). Returns 0 or -1. */
int varnum_parse(struct varnum *v, const char *s, size_t len);

/* Numeric order of two serialized varints (empty sorts first, as Cassandra's IntegerType). */
int varnum_cmp_varint(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* Numeric order of two serialized decimals (BigDecimal.compareTo: 1.0 == 1.00; empty first).
   Both must be valid (length 0 or >= 4). */
int varnum_cmp_decimal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* Appends a serialized decimal as Java's BigDecimal.toString() (and Python's str(Decimal)):
   plain notation unless the exponent is positive or the value is below 1e-6, then "1.5E+3". */
void varnum_format_decimal(const uint8_t *p, size_t len, struct buf *out);
/*
 * Parses decimal text as BigDecimal(String) does: [+-]digits[.digits][(e|E)[+-]digits], keeping
 * the scale as written ("1.50" has scale 2) and appends the serialized decimal. Returns 0 or -1.
 */
int varnum_parse_decimal(const char *s, size_t len, struct buf *out);
/* Parses an integer in decimal text and appends the serialized varint. Returns 0 or -1. */
int varnum_parse_varint(const char *s, size_t len, struct buf *out);

#endif
