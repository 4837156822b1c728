/*
 * selection_int: what the files of the selection module share. Not for use outside
 * selection*.c.
 */
#ifndef RINGDB_CQL_SELECTION_INT_H
#define RINGDB_CQL_SELECTION_INT_H

#include "node/cql/selection.h"

/* The live cell of simple column col in r, or NULL (selection_get.c). */
const struct cell *selection_get_cell(const struct selection_row *r, uint16_t col);

#endif
