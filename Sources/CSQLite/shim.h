#ifndef HERALD_CSQLITE_SHIM_H
#define HERALD_CSQLITE_SHIM_H
// The system SQLite 3: the embedded alert log needs no server and no extra package build.
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro over a cast Swift cannot import: bind calls copy their arguments with it.
static inline void (*herald_sqlite_transient(void))(void *) { return SQLITE_TRANSIENT; }
#endif
